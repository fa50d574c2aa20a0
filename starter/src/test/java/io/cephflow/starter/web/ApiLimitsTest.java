package io.cephflow.starter.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.cephflow.starter.ApiTestSupport;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.Test;

/**
 * The limits at the door: a huge body cannot take the API down, bodies are read strictly, and every
 * error (Spring's own too) is one problem shape.
 */
class ApiLimitsTest extends ApiTestSupport {
  static final Endpoint IMAGES = new Endpoint("POST", "/api/v1/images");
  static final Endpoint VOLUMES = new Endpoint("POST", "/api/v1/volumes");

  /** The finding: 60 MB of unknown-field items once killed Tomcat's poller for good. */
  @Test
  void aSixtyMegabyteBodyIsA413AndTheNextRequestIsServed() throws Exception {
    String head = "{\"imageId\":\"" + ID + "\",\"name\":\"x\",\"source\":\"/x\",\"junk\":[";
    int items = 12_600_000;
    var r = sendStreamed(head, items);
    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(r.body()).contains("\"error\":\"RequestTooLarge\"").contains("65536");
    assertThat(served()).isTrue();
  }

  @Test
  void aChunkedBodyWithoutLengthIsCutOffAtTheCap() throws Exception {
    String head = "{\"imageId\":\"" + ID + "\",\"name\":\"x\",\"source\":\"/x\",\"junk\":[";
    // a raw socket: the answer comes while the client still sends, which java.net.http cannot read
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(20_000);
      Thread writer =
          new Thread(
              () -> {
                try {
                  OutputStream out = s.getOutputStream();
                  out.write(
                      ("POST /api/v1/images HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                              + OPERATOR
                              + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
                          .getBytes(StandardCharsets.ISO_8859_1));
                  byte[] chunk = ("\"a\",".repeat(4096)).getBytes(StandardCharsets.ISO_8859_1);
                  out.write(chunk(head.getBytes(StandardCharsets.UTF_8)));
                  for (int i = 0; i < 3_000; i++)
                    out.write(chunk(chunk)); // 48 MB, never ending in time
                } catch (java.io.IOException expected) {
                  // the server stopped reading: what it answered is read below
                }
              });
      writer.setDaemon(true);
      writer.start();
      String reply = new String(s.getInputStream().readNBytes(2048), StandardCharsets.ISO_8859_1);
      assertThat(reply).startsWith("HTTP/1.1 413").contains("RequestTooLarge");
    }
    assertThat(served()).isTrue();
  }

  /** Schemathesis: a query parameter name the firewall refuses (control characters) was a 500. */
  @Test
  void aParameterNameTheFirewallRefusesIsA400Problem() throws Exception {
    var r = call(new Endpoint("GET", "/api/v1/images?%0F=x"), READER);
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.headers().firstValue("Content-Type").orElse(""))
        .startsWith("application/problem+json");
    assertThat(r.body()).contains("\"error\":\"InvalidRequest\"");
    // refused before any filter (an encoded dot in the path): the same problem, not a 500
    var dot = call(new Endpoint("GET", "/api/v1/images/%2e%2e"), READER);
    assertThat(dot.statusCode()).isEqualTo(400);
    assertThat(dot.headers().firstValue("Content-Type").orElse(""))
        .startsWith("application/problem+json");
  }

  /**
   * Schemathesis: `Content-Type: multipart/form-data` without a boundary was a 500 on every
   * endpoint.
   */
  @Test
  void aMultipartContentTypeIsNeverParsed() throws Exception {
    var get =
        http.send(
            HttpRequest.newBuilder(URI.create(base() + "/api/v1/operations/0"))
                .header("Authorization", "Bearer " + READER)
                .header("Content-Type", "multipart/form-data")
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(get.statusCode()).isEqualTo(400); // the malformed id, as without the header
    var post =
        http.send(
            HttpRequest.newBuilder(URI.create(base() + "/api/v1/images"))
                .header("Authorization", "Bearer " + OPERATOR)
                .header("Content-Type", "multipart/form-data")
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(post.statusCode()).isEqualTo(415);
    assertThat(post.headers().firstValue("Content-Type").orElse(""))
        .startsWith("application/problem+json");
  }

  @Test
  void unknownFieldsAreRefusedByName() throws Exception {
    var r = call(IMAGES, OPERATOR, "{\"name\":\"x\",\"source\":\"/x\",\"junk\":1}");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("unknown field 'junk'").contains("\"field\":\"junk\"");
  }

  @Test
  void numbersAreIntegersAndNeverStrings() throws Exception {
    var half = call(VOLUMES, OPERATOR, "{\"imageId\":\"" + ID + "\",\"sizeGb\":1.5}");
    assertThat(half.statusCode()).isEqualTo(400);
    assertThat(half.body()).contains("\"field\":\"sizeGb\"").contains("integer");
    var quoted = call(VOLUMES, OPERATOR, "{\"imageId\":\"" + ID + "\",\"sizeGb\":\"2\"}");
    assertThat(quoted.statusCode()).isEqualTo(400);
    assertThat(quoted.body()).contains("\"field\":\"sizeGb\"");
    var huge = call(VOLUMES, OPERATOR, "{\"imageId\":\"" + ID + "\",\"sizeBytes\":1e18}");
    assertThat(huge.statusCode()).isEqualTo(400);
    assertThat(huge.body()).contains("\"field\":\"sizeBytes\"");
  }

  @Test
  void stringsAreStringsAndNothingMayFollowTheObject() throws Exception {
    var number = call(IMAGES, OPERATOR, "{\"name\":2,\"source\":\"/x\"}");
    assertThat(number.statusCode()).isEqualTo(400);
    assertThat(number.body()).contains("\"field\":\"name\"").contains("a string");
    var trailing = call(IMAGES, OPERATOR, "{\"name\":\"x\",\"source\":\"/x\"} trailing");
    assertThat(trailing.statusCode()).isEqualTo(400);
    assertThat(trailing.body()).contains("InvalidRequest");
    var notJson = call(IMAGES, OPERATOR, "{\"name\":");
    assertThat(notJson.statusCode()).isEqualTo(400);
    assertThat(notJson.body())
        .contains("not valid JSON")
        .doesNotContain("Exception")
        .doesNotContain("jackson");
  }

  @Test
  void sizesMemoryAndCpusAreBoundedByConfigurationBeforeAnyFlow() throws Exception {
    var bytes =
        call(VOLUMES, OPERATOR, "{\"imageId\":\"" + ID + "\",\"sizeBytes\":1000000000000000000}");
    assertThat(bytes.statusCode()).isEqualTo(400);
    assertThat(bytes.body()).contains("\"field\":\"sizeBytes\"").contains("max-volume-size");
    var gb = call(VOLUMES, OPERATOR, "{\"imageId\":\"" + ID + "\",\"sizeGb\":17000}");
    assertThat(gb.statusCode()).isEqualTo(400);
    assertThat(gb.body()).contains("\"field\":\"sizeGb\"");
    var servers = new Endpoint("POST", "/api/v1/servers");
    var memory = call(servers, OPERATOR, "{\"imageId\":\"" + ID + "\",\"memoryMiB\":1048576}");
    assertThat(memory.statusCode()).isEqualTo(400);
    assertThat(memory.body()).contains("\"field\":\"memoryMiB\"").contains("262144");
    var cpus = call(servers, OPERATOR, "{\"imageId\":\"" + ID + "\",\"vcpus\":0}");
    assertThat(cpus.statusCode()).isEqualTo(400);
    assertThat(cpus.body()).contains("\"field\":\"vcpus\"");
    var root = call(servers, OPERATOR, "{\"imageId\":\"" + ID + "\",\"rootDiskGb\":-1}");
    assertThat(root.statusCode()).isEqualTo(400);
    assertThat(root.body()).contains("\"field\":\"rootDiskGb\"");
  }

  @Test
  void namesMustBePrintable() throws Exception {
    for (String name :
        new String[] {"evil\\u202Egpj", "nul\\u0000cut", "bell\\u0007", "x".repeat(256)}) {
      var r = call(IMAGES, OPERATOR, "{\"name\":\"" + name + "\",\"source\":\"/x\"}");
      assertThat(r.statusCode()).as(name).isEqualTo(400);
      assertThat(r.body()).as(name).contains("name");
    }
  }

  @Test
  void aNegativeContentLengthIsRefused() throws Exception {
    String reply =
        raw(
            "POST /api/v1/images HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                + OPERATOR
                + "\r\nContent-Type: application/json\r\nContent-Length: -5\r\nConnection: close\r\n\r\n{}");
    assertThat(reply).startsWith("HTTP/1.1 400");
    assertThat(served()).isTrue();
  }

  @Test
  void hugeHeadersAreRefused() throws Exception {
    String reply =
        raw(
            "GET /actuator/health/liveness HTTP/1.1\r\nHost: x\r\nX-Junk: "
                + "a".repeat(40_000)
                + "\r\nConnection: close\r\n\r\n");
    assertThat(reply).matches("(?s)HTTP/1.1 (400|431).*");
    assertThat(served()).isTrue();
  }

  @Test
  void springsOwnErrorsAreProblemsToo() throws Exception {
    var missing = call(new Endpoint("GET", "/api/v1/nothing-here"), READER);
    assertThat(missing.statusCode()).isEqualTo(404);
    assertProblem(missing, "NotFound");
    var method = call(new Endpoint("PUT", "/api/v1/images"), ADMIN);
    assertThat(method.statusCode()).isEqualTo(405);
    assertProblem(method, "MethodNotAllowed");
    var type =
        http.send(
            HttpRequest.newBuilder(URI.create(base() + "/api/v1/images"))
                .header("Authorization", "Bearer " + OPERATOR)
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("x"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(type.statusCode()).isEqualTo(415);
    assertProblem(type, "UnsupportedMediaType");
    var error = call(new Endpoint("GET", "/error"), null);
    assertThat(error.statusCode()).isEqualTo(404);
    assertProblem(error, "NotFound");
    var badParam = call(new Endpoint("GET", "/api/v1/images?limit=abc"), READER);
    assertThat(badParam.statusCode()).isEqualTo(400);
    assertProblem(badParam, "InvalidRequest");
  }

  static void assertProblem(HttpResponse<String> r, String code) {
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(r.body())
        .contains("\"type\":\"/problems/" + code + "\"")
        .contains("\"error\":\"" + code + "\"")
        .contains("\"status\":" + r.statusCode())
        .doesNotContain("Exception")
        .doesNotContain("timestamp");
  }

  boolean served() throws Exception {
    var r =
        http.send(
            HttpRequest.newBuilder(URI.create(base() + "/actuator/health/liveness"))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    var authorized = call(new Endpoint("POST", "/api/v1/images"), OPERATOR, "{\"name\":\"\"}");
    return r.statusCode() == 200 && authorized.statusCode() == 400;
  }

  String base() {
    return "http://127.0.0.1:" + port;
  }

  /** A body of {@code items} list items after {@code head}, generated as it is sent. */
  HttpResponse<String> sendStreamed(String head, int items) throws Exception {
    byte[] start = head.getBytes(StandardCharsets.UTF_8);
    byte[] item = "\"a\",".getBytes(StandardCharsets.UTF_8);
    byte[] end = "\"a\"]}".getBytes(StandardCharsets.UTF_8);
    long length = start.length + (long) item.length * (items - 1) + end.length;
    Iterator<byte[]> parts =
        new Iterator<>() {
          int sent = -1;

          public boolean hasNext() {
            return sent < items;
          }

          public byte[] next() {
            sent++;
            if (sent == 0) return start;
            if (sent == items) return end;
            ByteArrayOutputStream b = new ByteArrayOutputStream(item.length * 1000);
            for (int i = 0; i < 1000 && sent < items - 1; i++, sent++) b.writeBytes(item);
            sent--;
            return b.toByteArray();
          }
        };
    Flow.Publisher<java.nio.ByteBuffer> publisher =
        HttpRequest.BodyPublishers.ofByteArrays(() -> parts);
    HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.fromPublisher(publisher, length);
    HttpRequest r =
        HttpRequest.newBuilder(URI.create(base() + "/api/v1/images"))
            .header("Authorization", "Bearer " + OPERATOR)
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(60))
            .POST(body)
            .build();
    try {
      return http.send(r, HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException e) {
      // the server may close while we still send: then the answer must still have been a 413
      throw new AssertionError("the API closed the connection without an answer", e);
    }
  }

  static byte[] chunk(byte[] data) {
    ByteArrayOutputStream b = new ByteArrayOutputStream(data.length + 16);
    b.writeBytes((Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
    b.writeBytes(data);
    b.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
    return b.toByteArray();
  }

  String raw(String request) throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }
}
