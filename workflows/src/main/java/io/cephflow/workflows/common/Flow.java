package io.cephflow.workflows.common;

import io.temporal.failure.TemporalFailure;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The skeleton every flow shares, held as a field by each workflow implementation (as Temporal's
 * samples hold a Saga), so that a flow body says only its steps and their undos:
 *
 * <ul>
 *   <li>{@link #admit}: validate the request (InvalidRequest, before any command), tag the flow
 *       with its resources, begin its use of the resource records;
 *   <li>{@link #saga}: the steps of a create, each undo registered (on {@link #undo()}) before its
 *       step; on failure everything is undone and the failure typed; before success the cancel is
 *       checked (a step that does not heartbeat finishes after a cancel, and the flow must not
 *       report success then);
 *   <li>{@link #forward}: the steps of a delete, which has nothing to undo: a failure stops it
 *       typed, and a repeat finishes what it left;
 *   <li>the progress the workflow's query returns ({@link #at}, {@link #report}).
 * </ul>
 *
 * It adds no command of its own: the validation, tags, version markers and activities run in the
 * order the flows always ran them, so recorded histories replay.
 */
public final class Flow {
  private final Compensations undo = new Compensations();
  private OperationProgress progress = OperationProgress.at("validate");
  private Lifecycle life;
  private final java.util.List<Runnable> afterSuccess = new java.util.ArrayList<>();

  /**
   * Validates ({@code validation} throws IllegalArgumentException: InvalidRequest), tags the flow
   * with {@code resources} ({@code kind:id} each) and begins its resource records; returns what
   * {@code validation} returned.
   */
  public <V> V admit(Supplier<V> validation, String... resources) {
    V valid = Failures.validated(validation);
    ResourceTags.tag(resources);
    life = Lifecycle.begin();
    return valid;
  }

  /** This flow's use of the resource records (after {@link #admit}). */
  public Lifecycle life() {
    return life;
  }

  /** The undo list of a {@link #saga}: register each undo before the step it undoes. */
  public Compensations undo() {
    return undo;
  }

  /** The first step of every create: claims {@code kind:id} (its release is the last undo). */
  public void claim(String kind, String id, Object request, String madeFrom) {
    at("claim");
    life.create(kind, id, request, madeFrom, undo);
  }

  /** What the workflow's progress query returns. */
  public OperationProgress progress() {
    return progress;
  }

  /** A step that moves no bytes. */
  public void at(String step) {
    progress = OperationProgress.at(step);
  }

  /** A step that moves data: {@code bytesDone} of {@code bytesTotal} (-1: unknown). */
  public void at(String step, long bytesDone, long bytesTotal) {
    progress = new OperationProgress(step, bytesDone, bytesTotal);
  }

  /** For helpers that report their own steps ({@code flow::report}). */
  public void report(OperationProgress now) {
    progress = now;
  }

  /**
   * Runs {@code action} once a {@link #saga}'s steps all ran and no cancel is pending, before it
   * reports "done": work the result does not wait for (a background flatten) and that a canceled or
   * failed flow must not start.
   */
  public void afterSuccess(Runnable action) {
    afterSuccess.add(action);
  }

  /** {@link #saga(Supplier, UnaryOperator)} with the failure as it came. */
  public <R> R saga(Supplier<R> steps) {
    return saga(steps, UnaryOperator.identity());
  }

  /**
   * Runs {@code steps}; the cancel is checked before success, which shows "done" with the bytes of
   * the last step. A failure (or the cancel) is undone, newest undo first, and thrown typed, after
   * {@code typing} (which may give a failure a better type), the progress showing "compensating
   * after" the step it stopped at, then "failed at" (or "canceled at") it.
   */
  public <R> R saga(Supplier<R> steps, UnaryOperator<TemporalFailure> typing) {
    try {
      R result = steps.get();
      Compensations.throwIfCanceled();
      OperationProgress last = progress;
      afterSuccess.forEach(Runnable::run);
      progress = new OperationProgress("done", last.bytesDone(), last.bytesTotal());
      return result;
    } catch (TemporalFailure e) {
      throw undo.failWith(typing.apply(e), step -> progress = progress.ending(step));
    }
  }

  /**
   * Runs the steps of a delete; "done" on success. A failure runs {@code stopped} (a refusal gives
   * the resource back, say), shows "failed" and is thrown typed. No cancel check: the API does not
   * cancel deletes, and a delete whose steps all ran has done what it was asked.
   */
  public <R> R forward(Supplier<R> steps, Consumer<TemporalFailure> stopped) {
    try {
      R result = steps.get();
      at("done");
      return result;
    } catch (TemporalFailure e) {
      stopped.accept(e);
      at("failed");
      throw undo.failWith(e);
    }
  }
}
