package io.cephflow.starter.client;

/**
 * A request refused at the door, before any work: the id is taken by another request or was used
 * before ({@code Conflict}), the resource does not exist ({@code NotFound}), something uses it
 * ({@code InUse}), or the request is malformed ({@code InvalidRequest}). {@link #type()} is the
 * flow's typed failure reason; {@link #operationId()} names the operation that decided it.
 */
public class OperationRefusedException extends RuntimeException {
  private final String type;
  private final String operationId;

  public OperationRefusedException(String type, String operationId, String reason) {
    super(reason);
    this.type = type;
    this.operationId = operationId;
  }

  public String type() {
    return type;
  }

  public String operationId() {
    return operationId;
  }
}
