package io.cephflow.activities;

import io.cephflow.ceph.Progress;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.client.ActivityCompletionException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The progress heartbeat of a long activity ({@code long[]{done, total}}, total -1 while unknown;
 * {@code {done, total, passDone, passTotal}} during a preparatory pass), repeated on a timer so
 * that a call which makes no progress for a while still tells Temporal this worker lives. After a
 * worker is killed, the next attempt's first RBD write or flatten waits for the exclusive lock the
 * dead client held (until its watch expires, ~30 s) without any progress callback; with heartbeats
 * only on progress, a shorter heartbeat timeout failed attempt after attempt meanwhile (and stacked
 * flattens librbd cannot interrupt). A call to a stuck OSD waits for it (no OSD op timeout by
 * default: a flatten cut by one lost data), bounded by the activity's start-to-close.
 *
 * <p>{@link #update} heartbeats at once and throws the cancellation or timeout Temporal reports, as
 * {@code heartbeat} does; one met by the timer is kept and thrown at the next update or by {@link
 * #throwIfEnded()}.
 */
final class LiveHeartbeat implements Progress, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LiveHeartbeat.class);
  private static final Duration NO_TIMEOUT_PERIOD = Duration.ofSeconds(10);
  private static final ScheduledExecutorService TIMER =
      Executors.newScheduledThreadPool(
          2,
          r -> {
            Thread t = new Thread(r, "cephflow-heartbeat");
            t.setDaemon(true);
            return t;
          });
  private final ActivityExecutionContext ctx;
  private final AtomicReference<long[]> latest;
  private final AtomicReference<ActivityCompletionException> ended = new AtomicReference<>();
  private final ScheduledFuture<?> timer;

  private LiveHeartbeat(ActivityExecutionContext ctx, long[] initial) {
    this.ctx = ctx;
    this.latest = new AtomicReference<>(initial);
    Duration timeout = ctx.getInfo().getHeartbeatTimeout();
    long period =
        timeout == null || timeout.isZero()
            ? NO_TIMEOUT_PERIOD.toMillis()
            : Math.max(200, timeout.toMillis() / 3);
    this.timer = TIMER.scheduleAtFixedRate(this::repeat, period, period, TimeUnit.MILLISECONDS);
  }

  /** Starts repeating {@code {resumeFrom, -1}} until the first progress update. */
  static LiveHeartbeat start(ActivityExecutionContext ctx, long resumeFrom) {
    return new LiveHeartbeat(ctx, new long[] {resumeFrom, -1});
  }

  // update, preparing and repeat are synchronized: a timer tick that read `latest` just before an
  // update and heartbeat it just after would make the SDK send the older figure last (bytes done
  // running backwards); the SDK keeps whatever details it was given last
  @Override
  public synchronized void update(long done, long total) {
    throwIfEnded();
    long[] now = {done, total};
    latest.set(now);
    try {
      ctx.heartbeat(now);
    } catch (ActivityCompletionException e) {
      ended.compareAndSet(null, e);
      throw e;
    }
  }

  /**
   * {@code {resumePoint, total, passDone, passTotal}}: the resume point (index 0, what a retry
   * reads) is kept, the pass's own bytes ride after it, so a status shows them truthfully.
   */
  @Override
  public synchronized void preparing(long done, long total) {
    throwIfEnded();
    long[] last = latest.get();
    long[] now = {last[0], last[1], done, total};
    latest.set(now);
    try {
      ctx.heartbeat(now);
    } catch (ActivityCompletionException e) {
      ended.compareAndSet(null, e);
      throw e;
    }
  }

  /** Throws the cancellation or timeout a heartbeat met, if any. */
  void throwIfEnded() {
    ActivityCompletionException e = ended.get();
    if (e != null) throw e;
  }

  private synchronized void repeat() {
    if (ended.get() != null) return;
    try {
      ctx.heartbeat(latest.get());
    } catch (ActivityCompletionException e) {
      ended.compareAndSet(null, e);
    } catch (RuntimeException e) {
      LOG.debug("heartbeat failed, next one in a moment: {}", e.toString());
    }
  }

  @Override
  public void close() {
    timer.cancel(false);
  }
}
