package io.cephflow.transfer;

/** A source that cannot be used, with its typed reason (a {@code Failures} constant). */
public class SourceException extends RuntimeException {
  private final String type;
  private final boolean retryable;

  public SourceException(String type, String message, boolean retryable, Throwable cause) {
    super(message, cause);
    this.type = type;
    this.retryable = retryable;
  }

  public SourceException(String type, String message) {
    this(type, message, false, null);
  }

  public String type() {
    return type;
  }

  public boolean retryable() {
    return retryable;
  }
}
