package io.cephflow.starter.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.cephflow.starter.ApiTestSupport;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import org.junit.jupiter.api.Test;

/**
 * Sources the policy refuses are a 400 naming the source's failure type before any flow starts
 * (Temporal is absent here: a request that got past the door would end 503). Nothing is opened.
 */
class SourceGateTest extends ApiTestSupport {
  static final Endpoint IMAGES = new Endpoint("POST", "/api/v1/images");

  String upload(String source) throws Exception {
    var r = call(IMAGES, OPERATOR, "{\"name\":\"x\",\"source\":\"" + source + "\"}");
    assertThat(r.statusCode()).as(source + ": " + r.body()).isEqualTo(400);
    return r.body();
  }

  @Test
  void forbiddenSourcesAreRefusedAtTheDoor() throws Exception {
    assertThat(upload("/etc/passwd"))
        .contains("\"error\":\"SourceForbidden\"")
        .contains("\"field\":\"source\"");
    assertThat(upload("/var/lib/cephflow/incoming/../../../etc/passwd"))
        .contains("SourceForbidden");
    assertThat(upload("http://169.254.169.254/latest/meta-data")).contains("SourceForbidden");
    assertThat(upload("gopher://example.org/x")).contains("SourceForbidden");
    assertThat(upload("relative/path.img")).contains("InvalidRequest");
  }

  @Test
  void malformedUrlsAreInvalidAtOnce() throws Exception {
    assertThat(upload("http://exa mple.org/x.img")).contains("InvalidRequest");
    assertThat(upload("file://127.0.0.1/etc/passwd"))
        .containsAnyOf("InvalidRequest", "SourceForbidden");
  }

  @Test
  void credentialsAreRefusedAndNeverRepeated() throws Exception {
    String body = upload("http://alice:hunter2secret@example.org/x.img");
    assertThat(body).contains("credentials").doesNotContain("hunter2secret");
  }

  @Test
  void aLoopbackSourceIsRefusedWithoutAConnection() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      s.setSoTimeout(300);
      assertThat(upload("http://127.0.0.1:" + s.getLocalPort() + "/x.img"))
          .contains("SourceForbidden")
          .contains("loopback");
      try {
        s.accept().close();
        throw new AssertionError("the API connected to the source it refused");
      } catch (SocketTimeoutException expected) {
        // nothing connected
      }
    }
  }
}
