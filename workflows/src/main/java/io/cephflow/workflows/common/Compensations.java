package io.cephflow.workflows.common;

import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Functions;
import io.temporal.workflow.Workflow;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;

/**
 * A saga's undo list. Undos are registered before the step they undo (the step may succeed on the
 * cluster and still time out here) and run newest first, one at a time (RBD parent/child order
 * matters), in a detached scope so that cancellation of the workflow cannot skip them. Unlike
 * Temporal's Saga with continue-with-error, failures are kept and reported.
 */
public final class Compensations {
  private record Undo(String name, Functions.Proc proc) {}

  private static final Logger LOG = Workflow.getLogger(Compensations.class);
  private final Deque<Undo> undos = new ArrayDeque<>();

  /** Runs after every other undo, told whether they all succeeded (a record's release). */
  private Undo last;

  private Functions.Proc1<Boolean> lastProc;

  public void add(String name, Functions.Proc undo) {
    throwIfCanceledBeforeAStep();
    undos.push(new Undo(name, undo));
  }

  /**
   * For a step that is known to have happened (a child workflow that completed) when the flow is
   * already canceled: registers its undo, then throws the cancel, so the undo runs with the others.
   */
  public void addThenThrowIfCanceled(String name, Functions.Proc undo) {
    undos.push(new Undo(name, undo));
    throwIfCanceled();
  }

  /**
   * Throws CanceledFailure when the flow was canceled: steps are canceled with
   * WAIT_CANCELLATION_COMPLETED (an undo never races its step), so a step that does not heartbeat
   * finishes normally after the cancel, and the flow must not go on (or report success: Temporal
   * would record the execution CANCELED with everything left in place). Called before each step
   * registers its undo, and by every flow before it returns. Inside a detached scope (the
   * pause/snap/resume of an image from a server) it never throws.
   */
  public static void throwIfCanceled() {
    if (CancellationScope.current().isCancelRequested()) {
      throw new CanceledFailure("canceled while a step ran; undoing what the flow did");
    }
  }

  /**
   * Before a step registers its undo: the cancel stops the flow here, except for flows whose short
   * steps are local ({@link Steps}), which must run the same steps again after a lost workflow task
   * and see the cancel at their next normal step instead.
   */
  private static void throwIfCanceledBeforeAStep() {
    if (CancellationScope.current().isCancelRequested() && !Steps.local()) {
      throw new CanceledFailure("canceled while a step ran; undoing what the flow did");
    }
  }

  /**
   * Registers the undo that runs after all others, with {@code true} when each of them succeeded:
   * the release of a resource record, which says whether anything may be left.
   */
  public void addLast(String name, Functions.Proc1<Boolean> undo) {
    throwIfCanceledBeforeAStep();
    last = new Undo(name, null);
    lastProc = undo;
  }

  /** Runs every undo; returns "name: reason" for each that failed (after its retries). */
  public List<String> run() {
    List<String> failures = new ArrayList<>();
    Workflow.newDetachedCancellationScope(
            () -> {
              while (!undos.isEmpty()) {
                Undo u = undos.pop();
                try {
                  u.proc().apply();
                  counted("undone");
                } catch (TemporalFailure e) {
                  failures.add(u.name() + ": " + rootMessage(e));
                  counted("failed");
                }
              }
              if (last != null) {
                try {
                  lastProc.apply(failures.isEmpty());
                } catch (TemporalFailure e) {
                  failures.add(last.name() + ": " + rootMessage(e));
                }
                last = null;
              }
            })
        .run();
    return failures;
  }

  /**
   * Compensates and turns {@code cause} into the workflow's failure: the same typed reason as the
   * activity that failed, non-retryable, with the compensation failures as details.
   */
  public RuntimeException failWith(TemporalFailure cause) {
    List<String> compensationFailures = run();
    if (cause instanceof CanceledFailure) {
      // Temporal records a canceled execution as CANCELED whatever it throws, without details:
      // what could not be undone is in the history (the failed undo activities) and in the log
      if (!compensationFailures.isEmpty()) {
        LOG.error("canceled; compensation incomplete: {}", String.join("; ", compensationFailures));
      }
      return cause;
    }
    ApplicationFailure app = applicationCause(cause);
    // one of our types, never a Java exception's name (an activity that failed unmapped: a bug)
    String type = FailureType.of(cause).code();
    if (app != null && !type.equals(app.getType()))
      LOG.error("unmapped failure {}: {}", app.getType(), cause.toString());
    String message = rootMessage(cause);
    if (!compensationFailures.isEmpty()) {
      message += " (compensation incomplete: " + String.join("; ", compensationFailures) + ")";
    }
    return ApplicationFailure.newNonRetryableFailureWithCause(
        message, type, cause, new FailureDetails(type, rootMessage(cause), compensationFailures));
  }

  /**
   * {@link #failWith(TemporalFailure)}, telling {@code step} "compensating" before the undos and
   * "failed" (or "canceled") after them, so a progress query shows where the flow is while it
   * cleans up.
   */
  public RuntimeException failWith(TemporalFailure cause, Consumer<String> step) {
    step.accept("compensating");
    RuntimeException failure = failWith(cause);
    step.accept(cause instanceof CanceledFailure ? "canceled" : "failed");
    return failure;
  }

  /**
   * {@code cephflow_compensations_total{result}}: replay-safe, through the workflow's metrics
   * scope.
   */
  private static void counted(String result) {
    Workflow.getMetricsScope()
        .tagged(java.util.Map.of("result", result))
        .counter("cephflow_compensations")
        .inc(1);
  }

  static ApplicationFailure applicationCause(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof ApplicationFailure a) return a;
      if (c instanceof CanceledFailure) return null;
    }
    return null;
  }

  static String rootMessage(Throwable t) {
    ApplicationFailure app = applicationCause(t);
    if (app != null) return app.getOriginalMessage();
    Throwable c = t;
    while (c.getCause() != null && c instanceof ActivityFailure) c = c.getCause();
    if (c instanceof io.temporal.failure.TimeoutFailure timeout
        && FailureType.hostUnavailable(timeout)) {
      String step = t instanceof ActivityFailure a ? a.getActivityType() : "a step";
      return step
          + " was not taken by a worker of its host within the schedule-to-start timeout: that host's "
          + "worker is down, or no such host";
    }
    return c instanceof TemporalFailure tf
        ? tf.getOriginalMessage()
        : String.valueOf(c.getMessage());
  }

  /** Carried as the failure's details: the reason, and what could not be undone. */
  public record FailureDetails(String type, String reason, List<String> compensationFailures) {}
}
