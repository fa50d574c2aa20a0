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
   * stays). With {@code normalOnly} only normal activities count (local ones run as they would).
   */
  record Plan(
      String workflowId, int step, boolean afterWork, boolean terminate, boolean normalOnly) {
    Plan(String workflowId, int step, boolean afterWork, boolean terminate) {
      this(workflowId, step, afterWork, terminate, false);
    }

    Plan(String workflowId, int step, boolean afterWork) {
      this(workflowId, step, afterWork, false);
    }
  }

  private final Supplier<WorkflowClient> client;
  private volatile Plan plan;
  private int seen;
  private volatile boolean fired;
  private volatile boolean uncancellable;
  private volatile boolean local;

  /**
   * The flow canceled in a local step: its next normal step waits for the flow's answer to the
   * cancel before it ends (see {@link #interceptActivity}).
   */
  private volatile String canceledLocally;

  CancelAtStep(Supplier<WorkflowClient> client) {
    this.client = client;
  }

  synchronized void arm(Plan p) {
    plan = p;
    seen = 0;
    fired = false;
    uncancellable = false;
    local = false;
    canceledLocally = null;
  }

  /** Whether the armed plan reached its step (a flow refused early never does). */
  boolean fired() {
    return fired;
  }

  /** Whether the step it fired in was one the flow does not cancel. */
  boolean uncancellable() {
    return uncancellable;
  }

  /** Whether the step it fired in was a local one (the flow heard the cancel after it). */
  boolean local() {
    return local;
  }

  private synchronized boolean takeCanceledLocally(ActivityInfo info) {
    if (!info.getWorkflowId().equals(canceledLocally)) return false;
    canceledLocally = null;
    return true;
  }

  private synchronized boolean due(ActivityInfo info) {
    Plan p = plan;
    if (p == null || fired || !info.getWorkflowId().equals(p.workflowId())) return false;
    if (p.normalOnly() && info.isLocal()) return false;
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
        if (!info.isLocal() && takeCanceledLocally(info)) {
          // the first normal step after a cancel that came in a local step: it ends only once the
          // flow answered the cancel, canceled when the flow cancels it, else as it would have
          if (awaitCancelRequest(info)) throw new ActivityCanceledException(info);
          return super.execute(input);
        }
        if (!due(info)) return super.execute(input);
        ActivityOutput done = plan.afterWork() ? super.execute(input) : null;
        if (plan.terminate()) {
          client
              .get()
              .newUntypedWorkflowStub(info.getWorkflowId())
              .terminate("model: terminated in a step");
          if (info.isLocal() && done == null) {
            // the worker runs the rest of the workflow task's local steps after the terminate
            // (temporalio/sdk-java#1563), while the test runs the delete: here they start ~200 ms
            // later, so that they meet the delete (after the step's work they start at once)
            try {
              Thread.sleep(200);
            } catch (InterruptedException ie) {
              Thread.currentThread().interrupt();
            }
          }
          return done != null
              ? done
              : new ActivityOutput(null); // Temporal refuses it: the flow is gone
        }
        client.get().newUntypedWorkflowStub(info.getWorkflowId()).cancel();
        if (info.isLocal()) {
          // a local step runs inside the flow's workflow task, which the cancel reaches only once
          // the task completed: the step ends as it would have (a cancel never stops a local step),
          // and the flow's next normal step waits for the flow's answer to the cancel. Without that
          // wait, that step could complete in the very workflow task in which the flow asks to
          // cancel it: Java's test server then refuses the request (ACTIVITY_UNKNOWN) and the flow
          // never gets another task (temporalio/sdk-java#2391; the flow that never ended with
          // local steps). The real server takes it.
          canceledLocally = info.getWorkflowId();
          local = true;
          return done != null ? done : super.execute(input);
        }
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
