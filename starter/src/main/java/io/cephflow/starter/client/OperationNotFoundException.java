package io.cephflow.starter.client;

/** No operation with this id. */
public class OperationNotFoundException extends RuntimeException {
  public OperationNotFoundException(String id) {
    super("no operation with id '" + id + "'");
  }
}
