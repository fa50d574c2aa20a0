package io.cephflow.starter.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.cephflow.starter.ApiTestSupport;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /api/v1/operations/{id}?waitSeconds=N}: the long poll's bound is checked before
 * Temporal is asked.
 */
class OperationWaitTest extends ApiTestSupport {
  static final String OP = "/api/v1/operations/image-upload-" + ID;

  @Test
  void aWaitOutsideItsBoundIsA400ThatNamesTheBound() throws Exception {
    for (String wait : new String[] {"-1", "31"}) {
      var r = call(new Endpoint("GET", OP + "?waitSeconds=" + wait), READER);
      assertThat(r.statusCode()).as(wait).isEqualTo(400);
      assertThat(r.body()).contains("waitSeconds must be 0..30");
    }
    var notANumber = call(new Endpoint("GET", OP + "?waitSeconds=soon"), READER);
    assertThat(notANumber.statusCode()).isEqualTo(400);
  }

  @Test
  void aWaitWithinItsBoundReachesTemporal() throws Exception {
    // nothing listens where Temporal should be: the read itself answers 503, not the bound
    assertThat(call(new Endpoint("GET", OP + "?waitSeconds=1"), READER).statusCode())
        .isEqualTo(503);
  }
}
