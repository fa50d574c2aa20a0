package io.cephflow.activities;

import io.cephflow.ceph.RbdException;
import io.cephflow.intake.format.UnsafeImageException;
import io.cephflow.intake.qemu.QemuProcessException;
import io.cephflow.transfer.ScratchFullException;
import io.cephflow.transfer.SourceException;
import io.cephflow.transfer.SourceReadException;
import io.cephflow.workflows.common.Failures;
import io.temporal.failure.ApplicationFailure;

/** Maps port exceptions to typed activity failures, once: bad input is non-retryable. */
public final class ActivityErrors {
  private ActivityErrors() {}

  public static ApplicationFailure of(RbdException e) {
    return switch (e.kind()) {
      case EXISTS -> ApplicationFailure.newNonRetryableFailure(e.getMessage(), Failures.CONFLICT);
      case NOT_FOUND ->
          ApplicationFailure.newNonRetryableFailure(e.getMessage(), Failures.NOT_FOUND);
      case PERMISSION_DENIED ->
          ApplicationFailure.newNonRetryableFailure(e.getMessage(), Failures.PERMISSION_DENIED);
      case INVALID ->
          ApplicationFailure.newNonRetryableFailure(e.getMessage(), Failures.INVALID_REQUEST);
      case HAS_SNAPSHOTS ->
          ApplicationFailure.newNonRetryableFailure(e.getMessage(), Failures.IN_USE, e.holders());
      // BUSY: a watcher may go away (retry); clones never do, and callers ask for IN_USE explicitly
      case BUSY -> ApplicationFailure.newFailure(e.getMessage(), "Busy", e.holders());
      case NO_SPACE -> ApplicationFailure.newFailure(e.getMessage(), Failures.NO_SPACE);
      case TIMED_OUT, OTHER -> ApplicationFailure.newFailure(e.getMessage(), Failures.CEPH_ERROR);
    };
  }

  /** The scratch file system is full: the host's problem, typed like a full pool, not retried. */
  public static ApplicationFailure of(ScratchFullException e) {
    return ApplicationFailure.newNonRetryableFailure(e.getMessage(), Failures.NO_SPACE);
  }

  public static ApplicationFailure of(SourceException e) {
    return e.retryable()
        ? ApplicationFailure.newFailureWithCause(e.getMessage(), e.type(), e.getCause())
        : ApplicationFailure.newNonRetryableFailure(e.getMessage(), e.type());
  }

  /** A source's body failed while it was read: typed, and retried only when the type says so. */
  public static ApplicationFailure of(String source, SourceReadException e) {
    String message = "reading " + source + ": " + e.getMessage();
    return e.retryable()
        ? ApplicationFailure.newFailureWithCause(message, e.type(), e)
        : ApplicationFailure.newNonRetryableFailure(message, e.type());
  }

  /** The inspector's reason leads the message ("BACKING_FILE: ...") and is the failure's detail. */
  public static ApplicationFailure of(UnsafeImageException e) {
    return ApplicationFailure.newNonRetryableFailure(
        e.getMessage(), Failures.UNSAFE_IMAGE, e.reason().name());
  }

  /**
   * qemu on a local, vetted file: a limit hit or a refusal is a property of the bytes (the same
   * file fails the same way again), so it is UnsafeImage, not retried.
   */
  public static ApplicationFailure ofVetting(QemuProcessException e) {
    return ApplicationFailure.newNonRetryableFailure(
        "qemu-img refused the image: " + e.getMessage(), Failures.UNSAFE_IMAGE, e.kind().name());
  }

  /**
   * Decoding a file that passed vetting: a limit is still the image's fault; a crash may not be.
   */
  public static ApplicationFailure ofDecoding(QemuProcessException e) {
    return e.kind() == QemuProcessException.Kind.FAILED
        ? ApplicationFailure.newFailureWithCause(
            "qemu failed: " + e.getMessage(), Failures.QEMU_FAILED, e)
        : ofVetting(e);
  }

  public static ApplicationFailure inUse(String message, java.util.List<String> holders) {
    return ApplicationFailure.newNonRetryableFailure(message, Failures.IN_USE, holders);
  }
}
