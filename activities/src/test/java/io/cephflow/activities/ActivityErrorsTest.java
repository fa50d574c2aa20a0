package io.cephflow.activities;

import static org.assertj.core.api.Assertions.assertThat;

import io.cephflow.transfer.SourceReadException;
import io.cephflow.transfer.SourceTooLargeException;
import io.cephflow.workflows.common.Failures;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A source's failures as activity failures: their type and retryability survive the mapping. */
class ActivityErrorsTest {
  @Test
  void bodyFailuresKeepTheirTypeAndRetryabilityInTheActivityFailure() {
    ApplicationFailure tooLarge =
        ActivityErrors.of("http://h/x", new SourceTooLargeException("over"));
    assertThat(tooLarge.getType()).isEqualTo(Failures.SOURCE_TOO_LARGE);
    assertThat(tooLarge.isNonRetryable()).isTrue();
    ApplicationFailure protocol =
        ActivityErrors.of(
            "http://h/x",
            new SourceReadException(Failures.SOURCE_PROTOCOL, "bad chunk", false, null));
    assertThat(protocol.getType()).isEqualTo(Failures.SOURCE_PROTOCOL);
    assertThat(protocol.isNonRetryable()).isTrue();
    ApplicationFailure stalled =
        ActivityErrors.of(
            "http://h/x", new SourceReadException(Failures.SOURCE_TIMEOUT, "stalled", true, null));
    assertThat(stalled.getType()).isEqualTo(Failures.SOURCE_TIMEOUT);
    assertThat(stalled.isNonRetryable()).isFalse();
    assertThat(List.of(Failures.NON_RETRYABLE))
        .contains(Failures.SOURCE_PROTOCOL)
        .doesNotContain(Failures.SOURCE_TIMEOUT, Failures.SOURCE_UNAVAILABLE);
  }
}
