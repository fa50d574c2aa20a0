package io.cephflow.workflows.flatten;

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
 * How flows hand a flatten to the manager (workflow code). A flatten is a child workflow that
 * outlives its starter (abandoned on close and on cancel), one per image by its id: a second
 * request for an image whose flatten runs joins that one.
 */
public final class Flattens {
  /**
   * How often a waiter tries again to start a flatten that another flow started (then at most
   * {@link #POLL_MAX}).
   */
  static final Duration POLL_FIRST = Duration.ofSeconds(1);

  static final Duration POLL_MAX = Duration.ofSeconds(10);

  private Flattens() {}

  /**
   * Starts the flatten of {@code image} in the background, or finds it running; returns once it
   * runs.
   */
  public static void start(FlattenRequest request) {
    tryStart(request);
  }

  /**
   * Starts or joins the flatten of {@code image} and returns when it has ended (its failure, if it
   * failed). A flatten another flow started is waited for by starting it again, on a timer, until
   * that succeeds: then the image's flatten runs once more and finds it done at once.
   */
  public static FlattenResult await(FlattenRequest request) {
    Duration wait = POLL_FIRST;
    while (true) {
      Promise<FlattenResult> mine = tryStart(request);
      if (mine != null) return mine.get();
      Workflow.sleep(wait);
      wait = wait.multipliedBy(2).compareTo(POLL_MAX) > 0 ? POLL_MAX : wait.multipliedBy(2);
    }
  }

  /** The started flatten's result, or null when a run of it was already running. */
  private static Promise<FlattenResult> tryStart(FlattenRequest request) {
    FlattenWorkflow child =
        Workflow.newChildWorkflowStub(
            FlattenWorkflow.class,
            ChildWorkflowOptions.newBuilder()
                .setWorkflowId(FlattenWorkflow.workflowId(request.image()))
                .setParentClosePolicy(ParentClosePolicy.PARENT_CLOSE_POLICY_ABANDON)
                .setCancellationType(ChildWorkflowCancellationType.ABANDON)
                .setWorkflowIdReusePolicy(
                    WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE)
                .build());
    Promise<FlattenResult> result = Async.function(child::flatten, request);
    try {
      Workflow.getWorkflowExecution(child).get();
      return result;
    } catch (ChildWorkflowFailure e) {
      result.exceptionally(
          f -> null); // the same failure: seen here (else the SDK warns it was ignored)
      if (e.getCause() instanceof WorkflowExecutionAlreadyStarted) return null;
      throw e;
    }
  }
}
