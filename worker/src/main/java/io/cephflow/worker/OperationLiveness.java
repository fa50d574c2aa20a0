package io.cephflow.worker;

import io.cephflow.workflows.common.ResourceRecord;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import java.util.function.Predicate;

/**
 * Whether an operation ({@code <workflow id>@<run id>}) still runs, asked of Temporal. An operation
 * Temporal no longer knows (its history expired) has ended. Any other error is thrown: the activity
 * fails and is retried, never deciding on a guess.
 */
final class OperationLiveness implements Predicate<String> {
  private final WorkflowClient client;

  OperationLiveness(WorkflowClient client) {
    this.client = client;
  }

  @Override
  public boolean test(String operation) {
    if (operation == null) return false;
    int at = operation.indexOf('@');
    WorkflowExecution.Builder execution =
        WorkflowExecution.newBuilder().setWorkflowId(ResourceRecord.workflowIdOf(operation));
    if (at >= 0) execution.setRunId(operation.substring(at + 1));
    try {
      return client
              .getWorkflowServiceStubs()
              .blockingStub()
              .describeWorkflowExecution(
                  DescribeWorkflowExecutionRequest.newBuilder()
                      .setNamespace(client.getOptions().getNamespace())
                      .setExecution(execution)
                      .build())
              .getWorkflowExecutionInfo()
              .getStatus()
          == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) return false;
      throw e;
    }
  }
}
