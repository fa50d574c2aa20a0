package io.cephflow.transfer;

import io.cephflow.workflows.common.Failures;

/**
 * The body did not match its Content-Length: it ended early (the server closed) or went on after
 * it. A broken connection looks like the first, so it is retried before giving up.
 */
public final class SourceLengthException extends SourceReadException {
  public SourceLengthException(String message) {
    super(Failures.SOURCE_LENGTH_MISMATCH, message, true, null);
  }
}
