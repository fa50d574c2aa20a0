package io.cephflow.transfer;

import java.io.IOException;

/**
 * Reading a source's body failed for a reason with a name (a {@code Failures} constant): the body
 * streams of {@link Sources#open} throw these, so the activity maps them by type and a protocol
 * error is not retried like a dropped connection.
 */
public class SourceReadException extends IOException {
  private final String type;
  private final boolean retryable;

  public SourceReadException(String type, String message, boolean retryable, Throwable cause) {
    super(message, cause);
    this.type = type;
    this.retryable = retryable;
  }

  public String type() {
    return type;
  }

  public boolean retryable() {
    return retryable;
  }
}
