package io.cephflow.worker.limits;

import io.temporal.activity.ActivityExecutionContext;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptor;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkerInterceptorBase;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/**
 * Per-class concurrency bounds on this worker's activities. An activity of a bounded type waits for
 * a slot of its class before it runs, and heartbeats while it waits: a queued conversion is neither
 * timed out by its heartbeat timeout nor deaf to cancellation (a cancel or timeout reported on a
 * heartbeat ends the wait with the SDK's exception, holding no slot). The wait re-sends the
 * previous attempt's progress ({@code long[]}, as {@code LiveHeartbeat} reports it), so an attempt
 * that waits and then dies still leaves its successor the offset to resume from. The wait counts
 * against the activity's start-to-close timeout.
 *
 * <p>Why here and not Temporal's {@code maxConcurrentActivityExecutionSize}: that bounds a whole
 * worker (every type on a task queue), and a queue per class would move every workflow's activity
 * routing; this keeps the workflows and their histories as they are.
 */
public final class ActivityLimits extends WorkerInterceptorBase {
  static final Duration MAX_WAIT_BEAT = Duration.ofSeconds(5);
  private final Map<String, ActivitySlots> byType;
  private final Collection<ActivitySlots> classes;

  /**
   * An activity type no flow has, in any class, fails the start (a typo would silently lift its
   * bound).
   */
  public ActivityLimits(Collection<ActivitySlots> classes) {
    this.classes = java.util.List.copyOf(classes);
    this.byType = ActivitySlots.byType(classes);
    io.cephflow.workflows.ActivityTypes.requireKnown(
        "cephflow.limits.<class>.types", byType.keySet());
  }

  public Collection<ActivitySlots> classes() {
    return classes;
  }

  @Override
  public ActivityInboundCallsInterceptor interceptActivity(ActivityInboundCallsInterceptor next) {
    return new ActivityInboundCallsInterceptorBase(next) {
      private ActivityExecutionContext ctx;

      @Override
      public void init(ActivityExecutionContext context) {
        ctx = context;
        super.init(context);
      }

      @Override
      public ActivityOutput execute(ActivityInput input) {
        ActivitySlots slots = byType.get(ctx.getInfo().getActivityType());
        if (slots == null) return super.execute(input);
        acquire(slots, ctx);
        try {
          return super.execute(input);
        } finally {
          slots.release();
        }
      }
    };
  }

  private static void acquire(ActivitySlots slots, ActivityExecutionContext ctx) {
    long beat = beatMillis(ctx.getInfo().getHeartbeatTimeout());
    Optional<long[]> progress = previousProgress(ctx);
    slots.waitingChanged(+1);
    try {
      while (!slots.tryAcquire(beat)) {
        // throws when Temporal reports cancel or timeout; a local activity cannot heartbeat
        if (!ctx.getInfo().isLocal()) ctx.heartbeat(progress.orElse(null));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(
          "interrupted while waiting for a " + slots.name() + " slot", e);
    } finally {
      slots.waitingChanged(-1);
    }
  }

  private static Optional<long[]> previousProgress(ActivityExecutionContext ctx) {
    try {
      return ctx.getHeartbeatDetails(long[].class);
    } catch (RuntimeException notProgress) { // another shape: the wait sends none
      return Optional.empty();
    }
  }

  /** A third of the heartbeat timeout (200 ms at least), at most {@link #MAX_WAIT_BEAT}. */
  static long beatMillis(Duration heartbeatTimeout) {
    if (heartbeatTimeout == null || heartbeatTimeout.isZero()) return MAX_WAIT_BEAT.toMillis();
    return Math.min(MAX_WAIT_BEAT.toMillis(), Math.max(200, heartbeatTimeout.toMillis() / 3));
  }
}
