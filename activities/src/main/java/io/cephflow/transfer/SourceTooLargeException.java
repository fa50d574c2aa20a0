package io.cephflow.transfer;

import io.cephflow.workflows.common.Failures;

/** The body went past a size cap; the same source does so again, so it is not retried. */
public final class SourceTooLargeException extends SourceReadException {
  public SourceTooLargeException(String message) {
    super(Failures.SOURCE_TOO_LARGE, message, false, null);
  }
}
