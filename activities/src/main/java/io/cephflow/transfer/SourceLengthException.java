package io.cephflow.transfer;

import java.io.IOException;

/**
 * The body did not match its Content-Length: it ended early (the server closed) or went on
 * after it. A broken connection looks like the first, so callers retry before giving up.
 */
public final class SourceLengthException extends IOException {
  public SourceLengthException(String message) {
    super(message);
  }
}
