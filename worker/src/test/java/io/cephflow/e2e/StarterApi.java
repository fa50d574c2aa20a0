package io.cephflow.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cephflow.fixture.TestBackends;
import io.cephflow.starter.StarterApplication;
import io.cephflow.starter.security.ApiTokens;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The REST API (a real StarterApplication in this JVM, with an admin token of its own) against a
 * Temporal server: {@link CephflowStack}'s, or one whose workers run elsewhere (the crash tests'
 * worker processes, which audit through it).
 */
final class StarterApi implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "e2e-admin-token-" + UUID.randomUUID();
  private final ConfigurableApplicationContext api;
  private final String baseUrl;
  private final HttpClient http = HttpClient.newHttpClient();

  StarterApi(String target, String namespace, Path sourceRoot) {
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "--server.port=0",
                "--cephflow.temporal.target=" + target,
                "--cephflow.temporal.namespace=" + namespace,
                "--cephflow.sources.local-roots=" + sourceRoot,
                "--cephflow.sources.allow-loopback=true",
                "--cephflow.api.auth.tokens[0].name=e2e",
                "--cephflow.api.auth.tokens[0].role=admin",
                "--cephflow.api.auth.tokens[0].sha256=" + ApiTokens.sha256Hex(TOKEN)));
    args.addAll(TestBackends.get().ceph().appArgs());
    api = new SpringApplicationBuilder(StarterApplication.class).run(args.toArray(new String[0]));
    baseUrl = "http://127.0.0.1:" + ((WebServerApplicationContext) api).getWebServer().getPort();
  }

  HttpResponse<String> post(String path, String json) {
    return send(
        to(path)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build());
  }

  HttpResponse<String> delete(String path) {
    return send(to(path).DELETE().build());
  }

  HttpResponse<String> get(String path) {
    return send(to(path).GET().build());
  }

  /** A request to the API with its token. */
  private HttpRequest.Builder to(String path) {
    return HttpRequest.newBuilder(URI.create(baseUrl + path))
        .header("Authorization", "Bearer " + TOKEN);
  }

  /** Any request (the calls above add the API's token). */
  HttpResponse<String> send(HttpRequest r) {
    try {
      return http.send(r, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * An audit of {@code ids} ({@code POST /api/v1/audits}), awaited; its result ({@code GET
   * /api/v1/audits/{id}}). A worker must be polling.
   */
  JsonNode audit(boolean reap, Collection<String> ids) throws Exception {
    String body = "{\"reap\":" + reap + ",\"resourceIds\":" + JSON.writeValueAsString(ids) + "}";
    var r = post("/api/v1/audits", body);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    String id = JSON.readTree(r.body()).path("auditId").asText();
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (get("/api/v1/operations/" + id).body().contains("\"status\":\"RUNNING\"")) {
      assertThat(System.nanoTime()).as("audit %s still runs", id).isLessThan(deadline);
      Thread.sleep(250);
    }
    var shown = get("/api/v1/audits/" + id);
    assertThat(shown.statusCode()).as(shown.body()).isEqualTo(200);
    JsonNode op = JSON.readTree(shown.body());
    assertThat(op.path("status").asText()).as(shown.body()).isEqualTo("COMPLETED");
    assertThat(op.path("result").path("unreachableHosts")).isEmpty();
    return op.path("result");
  }

  /** The findings by object name: their category. */
  static Map<String, String> categories(JsonNode result) {
    Map<String, String> out = new TreeMap<>();
    for (JsonNode f : result.path("findings"))
      out.put(f.path("object").path("name").asText(), f.path("category").asText());
    return out;
  }

  /** The findings that are not OWNED, by object name: their category and reason. */
  static Map<String, String> leaksOf(JsonNode result) {
    Map<String, String> out = new TreeMap<>();
    for (JsonNode f : result.path("findings")) {
      if (!f.path("category").asText().equals("OWNED"))
        out.put(
            f.path("object").path("name").asText(),
            f.path("category").asText() + " (" + f.path("reason").asText() + ")");
    }
    return out;
  }

  @Override
  public void close() {
    api.close();
  }
}
