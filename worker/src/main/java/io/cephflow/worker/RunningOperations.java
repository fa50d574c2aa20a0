package io.cephflow.worker;

import io.cephflow.workflows.audit.AuditWorkflow;
import io.cephflow.workflows.flatten.FlattenCoordinatorWorkflow;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.client.WorkflowClient;
import java.time.Clock;
import java.util.function.LongSupplier;
import org.slf4j.LoggerFactory;

/**
 * The age of the oldest running operation (audits and the flatten coordinator excluded), from
 * Temporal's visibility store: the auditor's grace. A server without one (the embedded test server)
 * answers 0, and the configured minimum age alone is the grace.
 */
final class RunningOperations implements LongSupplier {
  private final WorkflowClient client;
  private final Clock clock;

  RunningOperations(WorkflowClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  @Override
  public long getAsLong() {
    // the flatten coordinator runs for good and makes nothing: its age would hold every reap back
    String query =
        "ExecutionStatus = 'Running' AND WorkflowType != '"
            + AuditWorkflow.class.getSimpleName()
            + "' AND WorkflowType != '"
            + FlattenCoordinatorWorkflow.class.getSimpleName()
            + "'";
    try {
      long now = clock.instant().getEpochSecond();
      return client
          .listExecutions(query)
          .mapToLong(m -> Math.max(0, now - m.getStartTime().getEpochSecond()))
          .max()
          .orElse(0);
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.UNIMPLEMENTED) throw e;
      LoggerFactory.getLogger(RunningOperations.class)
          .warn(
              "this Temporal server cannot list workflows: the audit's grace is the configured minimum age");
      return 0;
    }
  }
}
