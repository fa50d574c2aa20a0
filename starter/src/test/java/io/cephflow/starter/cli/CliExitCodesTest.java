package io.cephflow.starter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Distinct exit codes, the same for show and wait; the API's problem detail on stderr, never raw
 * JSON.
 */
class CliExitCodesTest {
  static final String ID = CliParsingTest.ID;
  static final String OP = "image-upload-" + ID;
  final StubApi api = CliParsingTest.newApi();

  @AfterEach
  void stop() {
    api.close();
  }

  static String problem(int status, String code, String detail) {
    return "{\"type\":\"/problems/"
        + code
        + "\",\"title\":\"t\",\"status\":"
        + status
        + ",\"detail\":\""
        + detail
        + "\",\"error\":\""
        + code
        + "\"}";
  }

  static String op(String status) {
    return "{\"id\":\""
        + OP
        + "\",\"type\":\"UploadImage\",\"status\":\""
        + status
        + "\",\"step\":\"write\","
        + "\"progress\":{\"bytesDone\":1,\"bytesTotal\":2}"
        + (status.equals("FAILED")
            ? ",\"failure\":{\"type\":\"UnsafeImage\",\"message\":\"backing file\"}"
            : "")
        + "}";
  }

  @Test
  void refusalsMapToTheirCodesWithTheDetailOnStderr() {
    api.on(
        "GET /api/v1/images/" + ID,
        401,
        problem(401, "Unauthorized", "a bearer token is required"));
    var r = api.run("image", "show", ID);
    assertThat(r.code()).isEqualTo(3);
    assertThat(r.err())
        .contains("a bearer token is required (Unauthorized, HTTP 401)")
        .contains("$CEPHFLOW_TOKEN")
        .doesNotContain("\"type\"");
    assertThat(r.out()).isEmpty();
    api.on("GET /api/v1/volumes/" + ID, 403, problem(403, "Forbidden", "role reader may not"));
    assertThat(api.run("volume", "show", ID).code()).isEqualTo(3);
    assertThat(api.run("server", "show", ID).code()).isEqualTo(4); // the stub's 404
    api.on(
        "POST /api/v1/images",
        409,
        "{\"type\":\"/problems/Conflict\",\"status\":409,\"detail\":\"image "
            + ID
            + " is taken\",\"error\":\"Conflict\",\"operationId\":\""
            + OP
            + "\"}");
    r = api.run("image", "upload", "--name", "n", "--source", "/x", "--id", ID, "--wait");
    assertThat(r.code()).isEqualTo(5);
    assertThat(r.err()).contains("is taken (Conflict, HTTP 409)").contains("operation show " + OP);
    api.on(
        "POST /api/v1/volumes",
        400,
        "{\"type\":\"/problems/InvalidRequest\",\"status\":400,\"detail\":\"bad\","
            + "\"error\":\"InvalidRequest\",\"errors\":[{\"field\":\"sizeBytes\",\"message\":\"over the limit\"}]}");
    r = api.run("volume", "create", "--image", ID, "--size-bytes", "99999999999999999");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err())
        .contains("bad (InvalidRequest, HTTP 400)")
        .contains("  sizeBytes: over the limit");
    api.on("GET /api/v1/servers", 503, problem(503, "CephUnavailable", "Ceph does not answer"));
    assertThat(api.run("server", "list").code()).isEqualTo(7);
    api.on("GET /api/v1/volumes", 502, "<html>bad gateway</html>");
    r = api.run("volume", "list");
    assertThat(r.code()).isEqualTo(7);
    assertThat(r.err()).contains("HTTP 502").doesNotContain("<html>");
    api.env.put("CEPHFLOW_API", "http://127.0.0.1:1");
    r = api.run("image", "list");
    assertThat(r.code()).isEqualTo(7);
    assertThat(r.err()).contains("cannot reach the API at http://127.0.0.1:1");
  }

  @Test
  void showAndWaitExitTheSameWayForEachStatus() {
    for (String[] c :
        new String[][] {
          {"COMPLETED", "0"}, {"FAILED", "1"}, {"TERMINATED", "1"}, {"CANCELED", "6"}
        }) {
      try (StubApi s = CliParsingTest.newApi()) {
        s.on("GET /api/v1/operations/" + OP, 200, op(c[0]));
        int code = Integer.parseInt(c[1]);
        assertThat(s.run("operation", "show", OP).code()).as("show " + c[0]).isEqualTo(code);
        assertThat(s.run("operation", "wait", OP).code()).as("wait " + c[0]).isEqualTo(code);
      }
    }
    api.on("GET /api/v1/operations/" + OP, 200, op("RUNNING"));
    assertThat(api.run("operation", "show", OP).code()).isZero();
    assertThat(api.run("operation", "show", "volume-create-" + ID).code()).isEqualTo(4);
  }

  @Test
  void waitFollowsTheOperationWithPlainLinesWhenNotATerminal() throws Exception {
    api.on(
        "POST /api/v1/images",
        202,
        "{\"operationId\":\"" + OP + "\",\"imageId\":\"" + ID + "\",\"location\":\"/x\"}");
    api.on("GET /api/v1/operations/" + OP, 200, op("RUNNING"));
    api.on("GET /api/v1/operations/" + OP, 200, op("RUNNING").replace("write", "snapshot"));
    api.on("GET /api/v1/operations/" + OP, 200, op("COMPLETED"));
    var r = api.run("image", "upload", "--name", "n", "--source", "/x", "--wait");
    assertThat(r.code()).isZero();
    assertThat(r.err())
        .contains(OP + " RUNNING step=write")
        .contains(OP + " RUNNING step=snapshot")
        .contains(OP + " COMPLETED")
        .doesNotContain("\r");
    var j = Api.JSON.readTree(r.out());
    assertThat(j.get("imageId").asText()).isEqualTo(ID);
    assertThat(j.get("status").asText()).isEqualTo("COMPLETED");
    assertThat(j.has("id")).isFalse();
    // the first read says where it stands; every later one is the API's long poll, which answers
    // when the operation ends instead of a second later
    assertThat(api.seen.stream().filter(x -> x.startsWith("GET /api/v1/operations/")).toList())
        .containsExactly(
            "GET /api/v1/operations/" + OP,
            "GET /api/v1/operations/" + OP + "?waitSeconds=1",
            "GET /api/v1/operations/" + OP + "?waitSeconds=1");
  }

  @Test
  void aFailedFlowIsOneAndItsTypedReasonIsOnStderr() {
    api.on(
        "POST /api/v1/images", 202, "{\"operationId\":\"" + OP + "\",\"imageId\":\"" + ID + "\"}");
    api.on("GET /api/v1/operations/" + OP, 200, op("FAILED"));
    var r =
        api.run(
            "image",
            "upload",
            "--name",
            "n",
            "--source",
            "/x",
            "--disk-format",
            "qcow2",
            "--wait",
            "-f",
            "value",
            "-c",
            "status");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).isEqualTo("FAILED\n");
    assertThat(r.err()).contains("FAILED: UnsafeImage: backing file");
  }

  @Test
  void aTimeoutIsEightAndSaysHowToGoOn() {
    api.on("GET /api/v1/operations/" + OP, 200, op("RUNNING"));
    api.ttyErr = true;
    long start = System.nanoTime();
    var r = api.run("operation", "wait", OP, "--timeout", "1");
    assertThat(r.code()).isEqualTo(8);
    assertThat(System.nanoTime() - start).isLessThan(10_000_000_000L);
    assertThat(r.err())
        .contains("\r")
        .contains("write [")
        .contains("still RUNNING after 1 s")
        .contains("cephflow operation wait " + OP)
        .contains("cephflow operation cancel " + OP);
  }

  @Test
  void cancelWaitIsZeroOnceCanceled() {
    api.on("POST /api/v1/operations/" + OP + "/cancel", 202, op("RUNNING"));
    api.on("GET /api/v1/operations/" + OP, 200, op("CANCELED"));
    assertThat(api.run("operation", "cancel", OP, "--wait").code()).isZero();
    assertThat(api.seen.get(0)).isEqualTo("POST /api/v1/operations/" + OP + "/cancel");
    try (StubApi s = CliParsingTest.newApi()) {
      s.on(
          "POST /api/v1/operations/" + OP + "/cancel",
          409,
          problem(409, "NotCancelable", "it has ended"));
      var r = s.run("operation", "cancel", OP);
      assertThat(r.code()).isEqualTo(5);
      assertThat(r.err()).contains("it has ended (NotCancelable, HTTP 409)");
    }
  }
}
