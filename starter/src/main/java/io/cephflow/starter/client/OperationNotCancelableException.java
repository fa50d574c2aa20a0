package io.cephflow.starter.client;

/** The operation has ended already, or is a delete (a delete runs to its end; it is idempotent). */
public class OperationNotCancelableException extends RuntimeException {
  public OperationNotCancelableException(String message) {
    super(message);
  }
}
