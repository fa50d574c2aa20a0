package io.cephflow.worker.faults;

import io.temporal.activity.ActivityExecutionContext;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptor;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkerInterceptorBase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Test-only, for the kill matrix: {@link StepHold} for a worker that runs as its own process,
 * driven by files in {@code cephflow.faults.hold-dir} (the test and the worker share no memory), so
 * that the test can SIGKILL the process while many flows stand right after their N-th step:
 *
 * <ul>
 *   <li>{@code track/<workflowId>}: written by the test before it starts the flow, {@code <flow>
 *       <N>}: the flow's activities (all of its workflow ids count together, a parent and its
 *       child) are recorded, and the flow is held right after its N-th activity's code returned (0:
 *       never held);
 *   <li>{@code types/<flow>}: one line per activity of the flow, in the order their code returned;
 *   <li>{@code held/<flow>}: written once the flow is held (its content: the activity held).
 * </ul>
 *
 * A held flow stays held (every later attempt of it waits before it runs) until the process dies; a
 * held attempt heartbeats meanwhile, so no timeout hands it to another attempt. The counts are this
 * process's: a worker started after a kill counts nothing of what ran before, and holds what is
 * tracked when it starts (the test removes the track files first).
 */
public final class ProcessStepHold extends WorkerInterceptorBase {
  private static final Logger log = LoggerFactory.getLogger(ProcessStepHold.class);
  private final Path dir;
  private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
  private final Map<String, Boolean> held = new ConcurrentHashMap<>();

  public ProcessStepHold(Path dir) {
    this.dir = dir;
  }

  /** The flow and the hold of {@code workflowId}; null when it is not tracked. */
  private String[] tracked(String workflowId) {
    if (workflowId == null) return null;
    try {
      String line =
          Files.readString(dir.resolve("track").resolve(workflowId), StandardCharsets.UTF_8)
              .strip();
      String[] f = line.split(" ");
      return f.length == 2 ? f : null;
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw new IllegalStateException("hold: cannot read the track of " + workflowId, e);
    }
  }

  private void record(String flow, String type) {
    try {
      Path types = Files.createDirectories(dir.resolve("types"));
      synchronized (this) {
        Files.writeString(
            types.resolve(flow), type + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      }
    } catch (IOException e) {
      throw new IllegalStateException("hold: cannot record " + type + " of " + flow, e);
    }
  }

  private void markHeld(String flow, String type) {
    try {
      Path h = Files.createDirectories(dir.resolve("held"));
      Files.writeString(h.resolve(flow), type);
    } catch (IOException e) {
      throw new IllegalStateException("hold: cannot mark " + flow + " held", e);
    }
  }

  /** Waits until this process is killed (5 minutes at most). */
  private static void waitForTheKill(Runnable beat) {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    try {
      while (System.nanoTime() < deadline) {
        Thread.sleep(1000);
        beat.run();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    log.error("hold: never killed; letting the flow go");
  }

  @Override
  public ActivityInboundCallsInterceptor interceptActivity(ActivityInboundCallsInterceptor next) {
    return new ActivityInboundCallsInterceptorBase(next) {
      private ActivityExecutionContext context;

      @Override
      public void init(ActivityExecutionContext context) {
        this.context = context;
        super.init(context);
      }

      @Override
      public ActivityOutput execute(ActivityInput input) {
        String type = context.getInfo().getActivityType();
        String[] t = tracked(context.getInfo().getWorkflowId());
        if (t == null) return super.execute(input);
        String flow = t[0];
        int holdAfter = Integer.parseInt(t[1]);
        if (held.containsKey(flow)) {
          log.warn("hold: {} of held flow {} waits for the kill", type, flow);
          waitForTheKill(this::beat);
        }
        ActivityOutput out = super.execute(input);
        record(flow, type);
        int n = counts.computeIfAbsent(flow, k -> new AtomicInteger()).incrementAndGet();
        if (n == holdAfter) {
          held.put(flow, true);
          markHeld(flow, type);
          log.warn("hold: flow {} held after its step {} ({})", flow, n, type);
          waitForTheKill(this::beat);
        }
        return out;
      }

      private void beat() {
        if (context.getInfo().isLocal()) return;
        try {
          context.heartbeat(null);
        } catch (RuntimeException e) {
          // the server is away or has given up on this attempt
        }
      }
    };
  }
}
