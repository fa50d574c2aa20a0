package io.cephflow.workflows.common;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.api.enums.v1.TimeoutType;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TerminatedFailure;
import io.temporal.failure.TimeoutFailure;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FailureTypeTest {
  @Test
  void everyCodeInFailuresIsExactlyOneTypeAndBack() throws Exception {
    Set<String> codes = new HashSet<>();
    for (Field f : Failures.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class)
        codes.add((String) f.get(null));
    }
    Set<String> types = new HashSet<>();
    for (FailureType t : FailureType.values())
      assertThat(types.add(t.code())).as(t.name()).isTrue();
    assertThat(types).isEqualTo(codes);
  }

  @Test
  void theNonRetryableListIsTheEnumsNonRetryableTypes() {
    Set<String> declared = new HashSet<>(Arrays.asList(Failures.NON_RETRYABLE));
    for (FailureType t : FailureType.values())
      assertThat(declared.contains(t.code())).as(t.name()).isEqualTo(!t.retryable());
    assertThat(declared)
        .contains("InvalidRequest", "SourceProtocolError", "Conflict", "UnsafeImage")
        .doesNotContain("SourceTimeout", "CephError", "NoSpace");
  }

  @Test
  void aJavaExceptionNameIsNeverAType() {
    assertThat(FailureType.of("java.lang.IllegalArgumentException"))
        .isEqualTo(FailureType.INTERNAL);
    assertThat(
            FailureType.of(
                ApplicationFailure.newFailure("x", "java.lang.IndexOutOfBoundsException")))
        .isEqualTo(FailureType.INTERNAL);
    assertThat(FailureType.of(ApplicationFailure.newFailure("x", "Conflict")))
        .isEqualTo(FailureType.CONFLICT);
    // only host-routed steps have a schedule-to-start timeout: their host's worker was not polling
    assertThat(
            FailureType.of(
                new TimeoutFailure("t", null, TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START)))
        .isEqualTo(FailureType.HOST_UNAVAILABLE);
    assertThat(
            FailureType.of(new TimeoutFailure("t", null, TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE)))
        .isEqualTo(FailureType.TIMED_OUT);
    assertThat(FailureType.of(new TerminatedFailure("t", null))).isEqualTo(FailureType.TERMINATED);
    assertThat(FailureType.of((Throwable) null)).isEqualTo(FailureType.INTERNAL);
  }
}
