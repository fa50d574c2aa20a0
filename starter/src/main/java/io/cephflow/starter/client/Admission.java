package io.cephflow.starter.client;

import io.cephflow.workflows.common.OperationProgress;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import java.util.Set;

/**
 * What a start answers besides "accepted": an operation under the id that another request started
 * is a Conflict (the id says which resource, the body what to do with it; a different body is never
 * silently attached to the first), and a refusal the flow decides in its first steps (the record
 * claim, the check of what it uses) is thrown rather than accepted, so the API answers 404 or 409
 * with the reason instead of a 202 that fails a second later.
 */
final class Admission {
  /** The steps in which a flow decides whether it may run at all. */
  private static final Set<String> DECIDING =
      Set.of(
          "validate",
          "claim",
          "inspect",
          "check-volume",
          "inspect-image",
          "inspect-snapshot",
          "inspect-volume",
          "inspect-disk",
          "list-dependents");

  /** Refusals that mean "not admitted", answered as 4xx. */
  private static final Set<String> REFUSALS =
      Set.of("Conflict", "NotFound", "InUse", "InvalidRequest");

  private static final long WAIT_MILLIS = 10_000;

  private final WorkflowClient client;
  private final String id;

  private Admission(WorkflowClient client, String id) {
    this.client = client;
    this.id = id;
  }

  static Admission of(WorkflowClient client, String id) {
    return new Admission(client, id);
  }

  void admit(Object request) {
    requireSameRequest(request);
    WorkflowStub stub = client.newUntypedWorkflowStub(id);
    long deadline = System.currentTimeMillis() + WAIT_MILLIS;
    for (long pause = 20; ; pause = Math.min(pause * 2, 250)) {
      var info = CephflowClient.describe(client, id).getWorkflowExecutionInfo();
      if (info.getStatus() != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
        if (info.getStatus() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_FAILED)
          refuseIfRefusal(stub);
        return;
      }
      OperationProgress p = CephflowClient.queryProgress(stub);
      if (p != null && !deciding(p.step())) return;
      if (System.currentTimeMillis() + pause > deadline)
        return; // still deciding: accepted, watch it
      sleep(pause);
    }
  }

  /**
   * A deciding step, or a refusal's undo ("compensating after claim", "failed at claim"): wait for
   * its end.
   */
  static boolean deciding(String step) {
    return DECIDING.contains(step) || step.startsWith("compensating") || step.startsWith("failed");
  }

  private void refuseIfRefusal(WorkflowStub stub) {
    OperationStatus.Failure f = CephflowClient.outcome(stub).failure();
    if (f != null && REFUSALS.contains(f.type()))
      throw new OperationRefusedException(f.type(), id, f.message());
  }

  /** The operation under this id must have been started with this very request. */
  private void requireSameRequest(Object request) {
    Payloads ours = client.getOptions().getDataConverter().toPayloads(request).orElseThrow();
    HistoryEvent first =
        client
            .getWorkflowServiceStubs()
            .blockingStub()
            .getWorkflowExecutionHistory(
                GetWorkflowExecutionHistoryRequest.newBuilder()
                    .setNamespace(client.getOptions().getNamespace())
                    .setExecution(WorkflowExecution.newBuilder().setWorkflowId(id))
                    .setMaximumPageSize(1)
                    .build())
            .getHistory()
            .getEvents(0);
    Payloads theirs = first.getWorkflowExecutionStartedEventAttributes().getInput();
    if (!sameData(ours, theirs)) {
      throw new OperationRefusedException(
          "Conflict",
          id,
          "operation "
              + id
              + " was started by a different request "
              + "for the same id; it is not changed, and a new request needs a new id (or the same body to attach to it)");
    }
  }

  private static boolean sameData(Payloads a, Payloads b) {
    if (a.getPayloadsCount() != b.getPayloadsCount()) return false;
    for (int i = 0; i < a.getPayloadsCount(); i++) {
      if (!a.getPayloads(i).getData().equals(b.getPayloads(i).getData())) return false;
    }
    return true;
  }

  private void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while admitting " + id, e);
    }
  }
}
