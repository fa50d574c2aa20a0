package io.cephflow.worker;

import io.temporal.worker.WorkerFactory;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * The drain on shutdown (SIGTERM: Spring closes the context from its shutdown hook). The workers
 * stop polling at once; activities already running keep their thread, their heartbeats and the
 * connection to Temporal, and get {@code grace} to finish and report. What still runs then is
 * interrupted (it fails, or times out on its heartbeat, and Temporal retries it on another worker,
 * from its last heartbeat). Workflow tasks are short and need no drain: the history has them.
 *
 * <p>Polling is suspended rather than the factory shut down first: after {@code shutdown()} the SDK
 * refuses every heartbeat ({@code ActivityWorkerShutdownException}) and sends none, so a long step
 * would fail at its next heartbeat, or, ignoring that, run on unseen until Temporal timed it out
 * and started it again elsewhere while it still ran (WorkerDrainIT saw the first).
 *
 * <p>A lifecycle bean in the last phase to start, so the first to stop: the Ceph handle, libvirt,
 * the web server (health, metrics) and the Temporal stubs stay up until the drain ends. Readiness
 * already answers REFUSING_TRAFFIC meanwhile (Spring sets it on context close).
 */
public final class WorkerDrain implements SmartLifecycle {
  private static final Logger log = LoggerFactory.getLogger(WorkerDrain.class);
  private final WorkerFactory factory;
  private final RunningActivities running;
  private final Duration grace;

  public WorkerDrain(WorkerFactory factory, RunningActivities running, Duration grace) {
    this.factory = factory;
    this.running = running;
    this.grace = grace;
  }

  /** The factory starts on ApplicationReadyEvent (TemporalConfig); this bean only stops it. */
  @Override
  public void start() {}

  @Override
  public boolean isAutoStartup() {
    return false;
  }

  @Override
  public boolean isRunning() {
    return factory.isStarted() && !factory.isShutdown();
  }

  @Override
  public int getPhase() {
    return SmartLifecycle.DEFAULT_PHASE;
  }

  @Override
  public void stop() {
    long started = System.nanoTime();
    factory.suspendPolling();
    log.info(
        "draining: workers stop polling; {} running activities get {} to finish",
        running.count(),
        grace);
    boolean drained;
    try {
      drained = running.awaitNone(grace);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      drained = false;
    }
    factory.shutdown();
    if (!drained) {
      log.warn(
          "drain: {} activities still running after {}: interrupting them (Temporal retries them elsewhere)",
          running.count(),
          grace);
      factory.shutdownNow();
    }
    factory.awaitTermination(5, TimeUnit.SECONDS);
    log.info(
        "drain: {} after {} ms",
        drained ? "done" : "cut short",
        (System.nanoTime() - started) / 1_000_000);
  }
}
