package io.cephflow.workflows.flatten;

import io.cephflow.workflows.flatten.Permits.Holder;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.failure.ChildWorkflowFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.ChildWorkflowCancellationType;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;

/**
 * A flatten's side of the coordinator's protocol (workflow code): ask, wait for the grant, give it
 * back. The request is repeated every {@link #ASK_AGAIN} until granted, so a coordinator that was
 * terminated (and started again by this run) or a lost grant never leaves it waiting for ever.
 */
final class FlattenPermit {
  static final Duration ASK_AGAIN = Duration.ofSeconds(60);
  private final Holder me;
  private boolean granted;

  FlattenPermit() {
    me = new Holder(Workflow.getInfo().getWorkflowId(), Workflow.getInfo().getRunId());
  }

  /** Called by the workflow's signal method. */
  void onGranted() {
    granted = true;
  }

  void acquire(int limit) {
    while (!granted) {
      if (!ask(limit)) {
        startCoordinator();
        if (!ask(limit)) continue;
      }
      Workflow.await(ASK_AGAIN, () -> granted);
    }
  }

  /** Gives the slot (or the place in the queue) back, even while the flatten is being canceled. */
  void release() {
    // no coordinator: nothing is held
    Workflow.newDetachedCancellationScope(() -> Signals.delivered(() -> coordinator().release(me)))
        .run();
  }

  private boolean ask(int limit) {
    return Signals.delivered(() -> coordinator().acquire(me, limit));
  }

  private static FlattenCoordinatorWorkflow coordinator() {
    return Workflow.newExternalWorkflowStub(
        FlattenCoordinatorWorkflow.class, FlattenCoordinatorWorkflow.WORKFLOW_ID);
  }

  private static void startCoordinator() {
    FlattenCoordinatorWorkflow child =
        Workflow.newChildWorkflowStub(
            FlattenCoordinatorWorkflow.class,
            ChildWorkflowOptions.newBuilder()
                .setWorkflowId(FlattenCoordinatorWorkflow.WORKFLOW_ID)
                .setParentClosePolicy(ParentClosePolicy.PARENT_CLOSE_POLICY_ABANDON)
                .setCancellationType(ChildWorkflowCancellationType.ABANDON)
                .setWorkflowIdReusePolicy(
                    WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE)
                .build());
    Promise<Void> run = Async.procedure(child::coordinate, (Permits.State) null);
    try {
      Workflow.getWorkflowExecution(child).get();
    } catch (ChildWorkflowFailure e) {
      run.exceptionally(f -> null); // the same failure, seen here
      if (!(e.getCause() instanceof WorkflowExecutionAlreadyStarted)) throw e;
    }
  }
}
