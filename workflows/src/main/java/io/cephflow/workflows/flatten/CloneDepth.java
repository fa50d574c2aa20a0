package io.cephflow.workflows.flatten;

import io.cephflow.workflows.common.OperationProgress;
import io.cephflow.workflows.common.RbdRef;
import io.cephflow.workflows.common.SnapRef;
import io.temporal.workflow.Workflow;
import java.util.function.Consumer;

/**
 * The depth policy applied to one new clone (workflow code), in two calls a flow makes: {@link
 * #flattenIfAboveHard} right after the clone, {@link #flattenInBackgroundIfAboveSoft} as its last
 * step (so a flow undone before never hands over a clone it is about to remove).
 */
public final class CloneDepth {
  /** Flows started before the policy replay without it (change id). */
  public static final String CHANGE = "clone-depth";

  private final FlattenRequest flatten;
  private final CloneFlatten need;

  private CloneDepth(FlattenRequest flatten, CloneFlatten need) {
    this.flatten = flatten;
    this.need = need;
  }

  /**
   * The policy of the clone's pool for a clone at {@code depth} (1: a clone of an image that is no
   * clone).
   */
  public static CloneDepth of(RbdRef clone, int depth) {
    if (!enabled()) return new CloneDepth(new FlattenRequest(clone), CloneFlatten.NONE);
    return new CloneDepth(
        new FlattenRequest(clone),
        FlattenSettings.recorded().limitsFor(clone.pool()).decide(depth));
  }

  /**
   * Flattened in the background whatever its depth (above the hard limit: before returning), and
   * {@code temporary}, the snapshot it was cloned from, removed after.
   */
  public static CloneDepth atLeastInBackground(RbdRef clone, int depth, SnapRef temporary) {
    CloneFlatten need = FlattenSettings.recorded().limitsFor(clone.pool()).decide(depth);
    return new CloneDepth(
        new FlattenRequest(clone, temporary),
        need == CloneFlatten.NONE ? CloneFlatten.IN_BACKGROUND : need);
  }

  /** Whether this run applies the policy (a marker in the history). */
  public static boolean enabled() {
    return Workflow.getVersion(CHANGE, Workflow.DEFAULT_VERSION, 1) != Workflow.DEFAULT_VERSION;
  }

  public CloneFlatten need() {
    return need;
  }

  /** Above the hard limit: flattened now, through the manager (the cluster-wide limit applies). */
  public void flattenIfAboveHard(Consumer<OperationProgress> progress) {
    if (need != CloneFlatten.BEFORE_RETURN) return;
    progress.accept(new OperationProgress("flatten", 0, -1));
    Flattens.await(flatten);
  }

  /** Above the soft limit: handed to the manager, which flattens it after this flow returns. */
  public void flattenInBackgroundIfAboveSoft(Consumer<OperationProgress> progress) {
    if (need != CloneFlatten.IN_BACKGROUND) return;
    progress.accept(OperationProgress.at("start-background-flatten"));
    Flattens.start(flatten);
  }
}
