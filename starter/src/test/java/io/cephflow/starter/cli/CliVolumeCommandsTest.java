package io.cephflow.starter.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The volume, delete and listing commands send the requests the REST API expects. */
class CliVolumeCommandsTest {
  HttpServer api;
  final List<String> seen = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    api = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    api.createContext("/", ex -> {
      String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      seen.add(ex.getRequestMethod() + " " + ex.getRequestURI() + (body.isEmpty() ? "" : " " + body));
      byte[] answer = "{\"operationId\":\"op\"}".getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(ex.getRequestMethod().equals("GET") ? 200 : 202, answer.length);
      ex.getResponseBody().write(answer);
      ex.close();
    });
    api.start();
  }

  @AfterEach
  void stop() {
    api.stop(0);
  }

  int run(String... args) throws Exception {
    return new Cli("http://127.0.0.1:" + api.getAddress().getPort()).run(List.of(args));
  }

  @Test
  void uploadSendsRelativePathsAbsoluteAndUrlsAsTheyAre() throws Exception {
    assertThat(run("image", "upload", "--name", "n", "--source", "incoming/disk.raw")).isZero();
    String cwd = java.nio.file.Path.of("").toAbsolutePath().toString();
    assertThat(seen.get(0)).startsWith("POST /api/v1/images ").contains("\"source\":\"" + cwd + "/incoming/disk.raw\"");
    assertThat(Cli.source("/srv/x/../disk.raw")).isEqualTo("/srv/disk.raw");
    assertThat(Cli.source("http://127.0.0.1:8000/a.qcow2")).isEqualTo("http://127.0.0.1:8000/a.qcow2");
    assertThat(Cli.source("file:/srv/disk.raw")).isEqualTo("file:/srv/disk.raw");
  }

  @Test
  void listsOperationsByResourceAndDeletesServersOnAHypervisor() throws Exception {
    assertThat(run("operation", "list", "--resource", "image:abc")).isZero();
    assertThat(run("operation", "list", "--resource", "volume:v", "--limit", "5")).isZero();
    assertThat(run("server", "delete", "s", "--hypervisor", "hv1")).isZero();
    assertThat(run("server", "delete", "s")).isZero();
    assertThat(seen).containsExactly(
        "GET /api/v1/operations?resource=image%3Aabc&limit=100",
        "GET /api/v1/operations?resource=volume%3Av&limit=5",
        "DELETE /api/v1/servers/s?hypervisor=hv1",
        "DELETE /api/v1/servers/s");
    assertThatThrownBy(() -> run("operation", "list")).hasMessageContaining("resource");
  }

  @Test
  void buildsEachRequest() throws Exception {
    assertThat(run("volume", "create", "--image", "i", "--size-gb", "2", "--id", "v")).isZero();
    assertThat(run("volume", "create", "--source-volume", "s", "--snapshot", "n", "--flatten", "always")).isZero();
    assertThat(run("volume", "snapshot", "v", "--id", "n")).isZero();
    assertThat(run("volume", "delete", "v", "--flatten-dependents")).isZero();
    assertThat(run("volume", "delete", "v", "--snapshot", "n")).isZero();
    assertThat(run("image", "delete", "i")).isZero();
    assertThat(seen).hasSize(6);
    assertThat(seen.subList(2, 6)).containsExactly(
        "POST /api/v1/volumes/v/snapshots {\"snapshotId\":\"n\"}",
        "DELETE /api/v1/volumes/v?flattenDependents=true",
        "DELETE /api/v1/volumes/v/snapshots/n",
        "DELETE /api/v1/images/i");
    // the body's field order is unspecified (Map.of)
    assertThat(seen.get(0)).startsWith("POST /api/v1/volumes {").contains("\"imageId\":\"i\"")
        .contains("\"sizeGb\":\"2\"").contains("\"volumeId\":\"v\"");
    assertThat(seen.get(1)).contains("\"sourceVolumeId\":\"s\"").contains("\"snapshotId\":\"n\"")
        .contains("\"flatten\":\"always\"");
  }

  @Test
  void aMissingIdIsAUsageError() {
    assertThatThrownBy(() -> run("volume", "delete", "--flatten-dependents"))
        .isInstanceOf(Cli.UsageException.class).hasMessageContaining("missing volume id");
  }
}
