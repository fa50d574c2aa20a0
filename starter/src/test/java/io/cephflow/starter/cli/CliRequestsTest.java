package io.cephflow.starter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Each command sends the request the REST API expects: typed JSON (numbers as numbers), encoded
 * queries, the token.
 */
class CliRequestsTest {
  static final String ID = CliParsingTest.ID;
  static final String ID2 = "9b1f0a4c-2d3e-4f50-8a6b-7c8d9e0f1a2b";
  final StubApi api = CliParsingTest.newApi();

  @AfterEach
  void stop() {
    api.close();
  }

  static JsonNode body(String seen) throws Exception {
    return Api.JSON.readTree(seen.substring(seen.indexOf('{')));
  }

  @Test
  void uploadSendsATypedBodyWithTheSourceMadeAbsolute() throws Exception {
    api.on(
        "POST /api/v1/images",
        202,
        "{\"operationId\":\"image-upload-" + ID + "\",\"imageId\":\"" + ID + "\"}");
    assertThat(
            api.run(
                    "image",
                    "upload",
                    "--name",
                    "n \"quoted\"",
                    "--source",
                    "incoming/disk.raw",
                    "--id",
                    ID.toUpperCase(),
                    "--disk-format",
                    "qcow2",
                    "--checksum",
                    "sha256:ab",
                    "--convert",
                    "raw")
                .code())
        .isZero();
    JsonNode b = body(api.seen.get(0));
    assertThat(api.seen.get(0)).startsWith("POST /api/v1/images ");
    assertThat(b.get("source").asText())
        .isEqualTo(Path.of("").toAbsolutePath() + "/incoming/disk.raw");
    assertThat(b.get("name").asText()).isEqualTo("n \"quoted\"");
    assertThat(b.get("imageId").asText()).isEqualTo(ID);
    assertThat(b.get("diskFormat").asText()).isEqualTo("qcow2");
    assertThat(b.get("checksum").asText()).isEqualTo("sha256:ab");
    assertThat(b.get("convert").asText()).isEqualTo("raw");
    assertThat(api.authorizations).containsOnly("Bearer t0ken");
    assertThat(ImageCommands.source("/srv/x/../disk.raw")).isEqualTo("/srv/disk.raw");
    assertThat(ImageCommands.source("http://127.0.0.1:8000/a.qcow2"))
        .isEqualTo("http://127.0.0.1:8000/a.qcow2");
    assertThat(ImageCommands.source("file:/srv/disk.raw")).isEqualTo("file:/srv/disk.raw");
    api.run("image", "upload", "--name", "n", "--source", "/x");
    assertThat(body(api.seen.get(1)).get("diskFormat").asText()).isEqualTo("raw");
    assertThat(body(api.seen.get(1)).has("imageId")).isFalse();
    assertThat(body(api.seen.get(1)).has("convert")).isFalse();
    assertThat(
            api.run("image", "upload", "--name", "n", "--source", "/x", "--convert", "qcow2")
                .code())
        .as("only raw is a conversion")
        .isNotZero();
    assertThat(api.seen).hasSize(2);
  }

  @Test
  void volumeRequestsCarryNumbersAsNumbers() throws Exception {
    api.on(
        "POST /api/v1/volumes",
        202,
        "{\"operationId\":\"volume-create-" + ID + "\",\"volumeId\":\"" + ID + "\"}");
    api.run("volume", "create", "--image", ID, "--size-gb", "2", "--id", ID2);
    api.run(
        "volume",
        "create",
        "--source-volume",
        ID,
        "--snapshot",
        ID2,
        "--flatten",
        "always",
        "--max-clone-depth",
        "3",
        "--size-bytes",
        "1073741824");
    JsonNode a = body(api.seen.get(0));
    assertThat(a.get("sizeGb").isIntegralNumber()).isTrue();
    assertThat(a.get("sizeGb").asLong()).isEqualTo(2);
    assertThat(a.get("imageId").asText()).isEqualTo(ID);
    assertThat(a.get("volumeId").asText()).isEqualTo(ID2);
    JsonNode b = body(api.seen.get(1));
    assertThat(b.get("sourceVolumeId").asText()).isEqualTo(ID);
    assertThat(b.get("snapshotId").asText()).isEqualTo(ID2);
    assertThat(b.get("flatten").asText()).isEqualTo("always");
    assertThat(b.get("maxCloneDepth").isInt()).isTrue();
    assertThat(b.get("sizeBytes").asLong()).isEqualTo(1073741824L);
    assertThat(b.has("imageId")).isFalse();
  }

  @Test
  void deletesSnapshotsAndServersGoWhereTheApiHasThem() {
    api.on("POST /api/v1/volumes/" + ID + "/snapshots", 202, "{\"operationId\":\"op-" + ID + "\"}");
    api.on("DELETE /api/v1/volumes/" + ID, 202, "{}");
    api.on("DELETE /api/v1/volumes/" + ID + "/snapshots/" + ID2, 202, "{}");
    api.on("DELETE /api/v1/images/" + ID, 202, "{}");
    api.on("DELETE /api/v1/servers/" + ID, 202, "{}");
    api.on("POST /api/v1/servers/" + ID + "/images", 202, "{}");
    api.run("volume", "snapshot", ID, "--id", ID2);
    api.run("volume", "snapshot", ID);
    api.run("volume", "delete", ID, "--flatten-dependents");
    api.run("snapshot", "delete", ID, ID2);
    api.run("image", "delete", ID);
    api.run("image", "delete", ID, "--flatten-dependents");
    api.run("server", "delete", ID, "--hypervisor", "hv1", "--shutdown-timeout", "5");
    api.run("server", "delete", ID);
    api.run("server", "snapshot", ID, "--name", "before upgrade", "--image-id", ID2);
    assertThat(api.seen)
        .containsExactly(
            "POST /api/v1/volumes/" + ID + "/snapshots {\"snapshotId\":\"" + ID2 + "\"}",
            "POST /api/v1/volumes/" + ID + "/snapshots {}",
            "DELETE /api/v1/volumes/" + ID + "?flattenDependents=true",
            "DELETE /api/v1/volumes/" + ID + "/snapshots/" + ID2,
            "DELETE /api/v1/images/" + ID,
            "DELETE /api/v1/images/" + ID + "?flattenDependents=true",
            "DELETE /api/v1/servers/" + ID + "?hypervisor=hv1&shutdownTimeoutSeconds=5",
            "DELETE /api/v1/servers/" + ID,
            "POST /api/v1/servers/"
                + ID
                + "/images {\"imageId\":\""
                + ID2
                + "\",\"name\":\"before upgrade\"}");
  }

  @Test
  void bootBodies() throws Exception {
    api.on(
        "POST /api/v1/servers",
        202,
        "{\"serverId\":\"" + ID + "\",\"operationId\":\"server-boot-" + ID + "\"}");
    api.run(
        "server",
        "boot",
        "--image",
        ID,
        "--root-gb",
        "2",
        "--memory-mib",
        "512",
        "--vcpus",
        "1",
        "--forbid-slow-path");
    api.run(
        "server",
        "boot",
        "--volume",
        ID,
        "--snapshot",
        ID2,
        "--new-volume-id",
        ID,
        "--hypervisor",
        "hv1");
    JsonNode a = body(api.seen.get(0));
    assertThat(a.get("rootDiskGb").isIntegralNumber()).isTrue();
    assertThat(a.get("memoryMiB").asInt()).isEqualTo(512);
    assertThat(a.get("vcpus").isIntegralNumber()).isTrue();
    assertThat(a.get("forbidSlowPath").isBoolean()).isTrue();
    JsonNode b = body(api.seen.get(1));
    assertThat(b.get("volumeId").asText()).isEqualTo(ID);
    assertThat(b.get("snapshotId").asText()).isEqualTo(ID2);
    assertThat(b.get("newVolumeId").asText()).isEqualTo(ID);
    assertThat(b.get("hypervisor").asText()).isEqualTo("hv1");
  }

  @Test
  void listingsFollowPagesUnlessOneIsAskedFor() {
    api.on(
        "GET /api/v1/images",
        200,
        "{\"items\":[{\"id\":\"" + ID + "\"}],\"nextPageToken\":\"tok\"}");
    api.on("GET /api/v1/images", 200, "{\"items\":[{\"id\":\"" + ID2 + "\"}]}");
    var all =
        api.run("image", "list", "--state", "in-use", "--name", "a b", "-f", "value", "-c", "id");
    assertThat(all.out()).isEqualTo(ID + "\n" + ID2 + "\n");
    assertThat(api.seen)
        .containsExactly(
            "GET /api/v1/images?limit=1000&state=in-use&name=a+b",
            "GET /api/v1/images?limit=1000&pageToken=tok&state=in-use&name=a+b");
    api.seen.clear();
    api.on(
        "GET /api/v1/volumes",
        200,
        "{\"items\":[{\"id\":\"" + ID + "\"}],\"nextPageToken\":\"next\"}");
    var one = api.run("volume", "list", "--limit", "1", "-f", "value", "-c", "id");
    assertThat(one.out()).isEqualTo(ID + "\n");
    assertThat(one.err()).contains("--page-token next");
    assertThat(api.seen).containsExactly("GET /api/v1/volumes?limit=1");
  }

  @Test
  void operationsAndSnapshots() {
    api.on(
        "GET /api/v1/operations",
        200,
        "{\"resource\":\"image:"
            + ID
            + "\",\"operations\":[{\"id\":\"image-upload-"
            + ID
            + "\",\"type\":\"UploadImage\",\"status\":\"COMPLETED\"}]}");
    api.on(
        "GET /api/v1/volumes",
        200,
        "{\"items\":[{\"id\":\""
            + ID
            + "\",\"snapshots\":[\""
            + ID2
            + "\"]},{\"id\":\""
            + ID2
            + "\",\"snapshots\":[]}]}");
    api.on(
        "GET /api/v1/volumes/" + ID + "/snapshots",
        200,
        "{\"items\":[{\"id\":\"" + ID2 + "\",\"volumeId\":\"" + ID + "\"}]}");
    api.on(
        "GET /api/v1/volumes/" + ID + "/snapshots/" + ID2,
        200,
        "{\"id\":\"" + ID2 + "\",\"volumeId\":\"" + ID + "\"}");
    assertThat(
            api.run(
                    "operation",
                    "list",
                    "--resource",
                    "image:" + ID,
                    "--limit",
                    "5",
                    "-f",
                    "value",
                    "-c",
                    "status")
                .out())
        .isEqualTo("COMPLETED\n");
    assertThat(api.run("snapshot", "list", "-f", "value", "-c", "id", "-c", "volumeId").out())
        .isEqualTo(ID2 + " " + ID + "\n");
    assertThat(api.run("snapshot", "show", ID, ID2, "-f", "value", "-c", "volumeId").out())
        .isEqualTo(ID + "\n");
    assertThat(api.seen)
        .containsExactly(
            "GET /api/v1/operations?resource=image%3A" + ID + "&limit=5",
            "GET /api/v1/volumes?limit=1000",
            "GET /api/v1/volumes/" + ID + "/snapshots?limit=1000",
            "GET /api/v1/volumes/" + ID + "/snapshots/" + ID2);
  }
}
