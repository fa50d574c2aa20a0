package io.cephflow.model;

import io.temporal.activity.ActivityExecutionContext;
import io.temporal.activity.ActivityInfo;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.ActivityCanceledException;
import io.temporal.client.WorkflowClient;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptor;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkerInterceptorBase;
import java.util.function.Supplier;

/**
 * Cancels a flow from inside its n-th activity, the way a user's cancel meets a running step: the
 * activity asks the client to cancel the flow, waits until the flow has asked to cancel this very
 * activity (its cancel request is in the history), and then ends canceled — before its work ({@code
 * afterWork=false}) or after it ({@code afterWork=true}: the step happened, but the flow hears
 * "canceled" and must undo it anyway).
 *
 * <p>Why not {@code stub.cancel()} right after the start: when the cancel reaches a flow in the
 * same workflow task in which its activity completes, Java's time-skipping test server refuses the
 * flow's RequestCancelActivityTask ({@code ACTIVITY_UNKNOWN}) and the flow never gets another task
 * (temporalio/sdk-java#2391; the real server takes it). Cancelling from inside a running activity
 * keeps that race out of the model while testing what matters: the undo.
 */
final class CancelAtStep extends WorkerInterceptorBase {
  /**
   * The plan: cancel {@code workflowId} in its {@code step}-th activity (1-based); or, with {@code
   * terminate}, terminate it there (as from Temporal's UI: no undo runs, the step's work, if done,
   * stays).
   */
  record Plan(String workflowId, int step, boolean afterWork, boolean terminate) {
    Plan(String workflowId, int step, boolean afterWork) {
      this(workflowId, step, afterWork, false);
    }
  }

  private final Supplier<WorkflowClient> client;
  private volatile Plan plan;
  private int seen;
  private volatile boolean fired;
  private volatile boolean uncancellable;

  CancelAtStep(Supplier<WorkflowClient> client) {
    this.client = client;
  }

  synchronized void arm(Plan p) {
    plan = p;
    seen = 0;
    fired = false;
    uncancellable = false;
  }

  /** Whether the armed plan reached its step (a flow refused early never does). */
  boolean fired() {
    return fired;
  }

  /** Whether the step it fired in was one the flow does not cancel. */
  boolean uncancellable() {
    return uncancellable;
  }

  private synchronized boolean due(ActivityInfo info) {
    Plan p = plan;
    if (p == null || fired || !info.getWorkflowId().equals(p.workflowId())) return false;
    if (++seen < p.step()) return false;
    fired = true;
    return true;
  }

  @Override
  public ActivityInboundCallsInterceptor interceptActivity(ActivityInboundCallsInterceptor next) {
    return new ActivityInboundCallsInterceptorBase(next) {
      private ActivityInfo info;

      @Override
      public void init(ActivityExecutionContext context) {
        info = context.getInfo();
        super.init(context);
      }

      @Override
      public ActivityOutput execute(ActivityInput input) {
        if (!due(info)) return super.execute(input);
        ActivityOutput done = plan.afterWork() ? super.execute(input) : null;
        if (plan.terminate()) {
          client
              .get()
              .newUntypedWorkflowStub(info.getWorkflowId())
              .terminate("model: terminated in a step");
          return done != null
              ? done
              : new ActivityOutput(null); // Temporal refuses it: the flow is gone
        }
        client.get().newUntypedWorkflowStub(info.getWorkflowId()).cancel();
        if (awaitCancelRequest(info)) throw new ActivityCanceledException(info);
        // the step runs where a cancel does not reach (a claim or an undo, in a detached scope):
        // it ends as it would have, and the flow meets the cancel at its next step
        uncancellable = true;
        return done != null ? done : super.execute(input);
      }
    };
  }

  /**
   * Whether the flow asks to cancel this activity: true once its history holds that request; false
   * once a workflow task completed after the flow's cancel request without it (the flow runs this
   * step where a cancel does not reach), or after 5 s.
   */
  private boolean awaitCancelRequest(ActivityInfo info) {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (System.nanoTime() < deadline) {
      long scheduled = -1;
      boolean cancelSeen = false;
      boolean taskAfterCancel = false;
      for (HistoryEvent e :
          client.get().fetchHistory(info.getWorkflowId(), info.getRunId()).getEvents()) {
        if (e.hasActivityTaskScheduledEventAttributes()
            && e.getActivityTaskScheduledEventAttributes()
                .getActivityId()
                .equals(info.getActivityId())) {
          scheduled = e.getEventId();
        }
        if (e.hasActivityTaskCancelRequestedEventAttributes()
            && e.getActivityTaskCancelRequestedEventAttributes().getScheduledEventId()
                == scheduled) {
          return true;
        }
        if (e.hasWorkflowExecutionCancelRequestedEventAttributes()) cancelSeen = true;
        if (cancelSeen && e.hasWorkflowTaskCompletedEventAttributes()) taskAfterCancel = true;
      }
      if (taskAfterCancel) return false;
      try {
        Thread.sleep(5);
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return false;
  }
}
