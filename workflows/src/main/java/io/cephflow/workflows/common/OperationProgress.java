package io.cephflow.workflows.common;

/** What a workflow reports through its progress query: the step and, when known, bytes. */
public record OperationProgress(String step, long bytesDone, long bytesTotal) {
  public static OperationProgress at(String step) {
    return new OperationProgress(step, 0, 0);
  }
}
