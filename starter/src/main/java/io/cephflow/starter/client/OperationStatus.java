package io.cephflow.starter.client;

import java.util.List;

/**
 * An operation (one workflow execution) as the API shows it.
 *
 * @param status RUNNING, COMPLETED, FAILED, CANCELED, TERMINATED, TIMED_OUT
 */
public record OperationStatus(
    String id,
    String type,
    String status,
    String step,
    Progress progress,
    Object result,
    Failure failure) {
  /** Bytes done of total for the current step, when the step moves data. */
  public record Progress(long bytesDone, long bytesTotal) {}

  /** A failed operation's typed reason, and what compensation could not undo. */
  public record Failure(String type, String message, List<String> compensationFailures) {}
}
