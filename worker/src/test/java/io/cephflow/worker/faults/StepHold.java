package io.cephflow.worker.faults;

import io.temporal.activity.ActivityExecutionContext;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptor;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkerInterceptorBase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Test-only, for the terminate matrix: records the activities of tracked flows in the order their
 * code returns, and holds a flow right after its N-th activity's code returned (the step's side
 * effect done, its result not yet reported to Temporal), until the test lets it go: the test
 * terminates the workflow there. A flow is one or more workflow ids (a parent and its child).
 * Outermost in the worker's chain, so a held activity holds no slot of {@code cephflow.limits}.
 */
public final class StepHold extends WorkerInterceptorBase {
  private final Map<String, Tracked> byWorkflow = new ConcurrentHashMap<>();

  /** One tracked flow. */
  public static final class Tracked {
    private final int holdAfter;
    private final List<String> types = new ArrayList<>();
    private final CountDownLatch reached = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private volatile String heldType;

    Tracked(int holdAfter) {
      this.holdAfter = holdAfter;
    }

    /** The activity types run so far, in order. */
    public synchronized List<String> types() {
      return List.copyOf(types);
    }

    /** The activity held (null until the hold is reached). */
    public String heldType() {
      return heldType;
    }

    /** Waits until the hold is reached; false on timeout. */
    public boolean awaitHeld(long seconds) throws InterruptedException {
      return reached.await(seconds, TimeUnit.SECONDS);
    }

    /**
     * Lets the held activity go (its result then reaches a terminated workflow, and is dropped).
     */
    public void release() {
      release.countDown();
    }

    private void after(String type) {
      int n;
      synchronized (this) {
        types.add(type);
        n = types.size();
      }
      if (n != holdAfter) return;
      heldType = type;
      reached.countDown();
      try {
        release.await(3, TimeUnit.MINUTES);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Tracks the flow made of {@code workflowIds}: it is held after its {@code holdAfter}-th activity
   * (0: never held, only recorded).
   */
  public Tracked track(int holdAfter, Set<String> workflowIds) {
    Tracked t = new Tracked(holdAfter);
    for (String id : workflowIds) byWorkflow.put(id, t);
    return t;
  }

  @Override
  public ActivityInboundCallsInterceptor interceptActivity(ActivityInboundCallsInterceptor next) {
    return new ActivityInboundCallsInterceptorBase(next) {
      private String type;
      private String workflowId;

      @Override
      public void init(ActivityExecutionContext context) {
        type = context.getInfo().getActivityType();
        workflowId = context.getInfo().getWorkflowId();
        super.init(context);
      }

      @Override
      public ActivityOutput execute(ActivityInput input) {
        ActivityOutput out = super.execute(input);
        Tracked t = workflowId == null ? null : byWorkflow.get(workflowId);
        if (t != null) t.after(type);
        return out;
      }
    };
  }
}
