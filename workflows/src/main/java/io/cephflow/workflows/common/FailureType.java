package io.cephflow.workflows.common;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every failure type a flow can end with, and whether Temporal may retry the step that raised it.
 * The codes are {@link Failures}' constants (compile-time strings, for {@code case} labels); this
 * is the one list of them: the worker declares the non-retryable ones from it, the API shows only
 * these codes (anything else, such as a Java exception's name, is shown as {@link #INTERNAL}).
 */
public enum FailureType {
  INVALID_REQUEST(Failures.INVALID_REQUEST, false),
  SOURCE_NOT_FOUND(Failures.SOURCE_NOT_FOUND, false),
  SOURCE_FORBIDDEN(Failures.SOURCE_FORBIDDEN, false),
  SOURCE_EMPTY(Failures.SOURCE_EMPTY, false),
  SOURCE_TOO_LARGE(Failures.SOURCE_TOO_LARGE, false),
  SOURCE_LENGTH_MISMATCH(Failures.SOURCE_LENGTH_MISMATCH, true),
  SOURCE_TIMEOUT(Failures.SOURCE_TIMEOUT, true),
  SOURCE_PROTOCOL(Failures.SOURCE_PROTOCOL, false),
  SOURCE_UNAVAILABLE(Failures.SOURCE_UNAVAILABLE, true),
  SOURCE_IO(Failures.SOURCE_IO, true),
  CHECKSUM_MISMATCH(Failures.CHECKSUM_MISMATCH, false),
  UNSUPPORTED_FORMAT(Failures.UNSUPPORTED_FORMAT, false),
  UNSAFE_IMAGE(Failures.UNSAFE_IMAGE, false),
  INTAKE_IO(Failures.INTAKE_IO, true),
  QEMU_FAILED(Failures.QEMU_FAILED, true),
  CONVERT_IO(Failures.CONVERT_IO, true),
  CONFLICT(Failures.CONFLICT, false),
  NOT_FOUND(Failures.NOT_FOUND, false),
  IN_USE(Failures.IN_USE, false),
  PERMISSION_DENIED(Failures.PERMISSION_DENIED, false),
  NO_SPACE(Failures.NO_SPACE, true),
  CEPH(Failures.CEPH_ERROR, true),
  HYPERVISOR(Failures.HYPERVISOR, true),
  HYPERVISOR_UNREACHABLE(Failures.HYPERVISOR_UNREACHABLE, true),
  HOST_UNAVAILABLE(Failures.HOST_UNAVAILABLE, true),
  POLICY(Failures.POLICY, false),
  CANCELED(Failures.CANCELED, false),
  TIMED_OUT(Failures.TIMED_OUT, true),
  TERMINATED(Failures.TERMINATED, false),
  INTERNAL(Failures.INTERNAL, true);

  private static final Map<String, FailureType> BY_CODE =
      Arrays.stream(values()).collect(Collectors.toMap(FailureType::code, Function.identity()));

  private final String code;
  private final boolean retryable;

  FailureType(String code, boolean retryable) {
    this.code = code;
    this.retryable = retryable;
  }

  public String code() {
    return code;
  }

  public boolean retryable() {
    return retryable;
  }

  /**
   * The type of a Temporal failure: its application type, or what ended it (a timeout, a
   * termination).
   */
  public static FailureType of(Throwable failure) {
    for (Throwable c = failure; c != null; c = c.getCause()) {
      if (c instanceof io.temporal.failure.ApplicationFailure a) return of(a.getType());
      if (c instanceof io.temporal.failure.TimeoutFailure t)
        return hostUnavailable(t) ? HOST_UNAVAILABLE : TIMED_OUT;
      if (c instanceof io.temporal.failure.TerminatedFailure) return TERMINATED;
      if (c instanceof io.temporal.failure.CanceledFailure) return CANCELED;
    }
    return INTERNAL;
  }

  /**
   * Only steps routed to one host's queue have a schedule-to-start timeout (HostRouting): when it
   * fires, no worker of that host was polling.
   */
  static boolean hostUnavailable(io.temporal.failure.TimeoutFailure t) {
    return t.getTimeoutType()
        == io.temporal.api.enums.v1.TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START;
  }

  /**
   * The type of {@code code}; a code that is not one of ours (a Java exception name) is {@link
   * #INTERNAL}.
   */
  public static FailureType of(String code) {
    return code == null ? INTERNAL : BY_CODE.getOrDefault(code, INTERNAL);
  }

  static String[] nonRetryableCodes() {
    return Arrays.stream(values())
        .filter(t -> !t.retryable)
        .map(FailureType::code)
        .toArray(String[]::new);
  }
}
