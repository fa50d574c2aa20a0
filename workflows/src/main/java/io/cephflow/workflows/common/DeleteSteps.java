package io.cephflow.workflows.common;

import io.cephflow.workflows.storage.StorageActivities;
import io.cephflow.workflows.storage.StorageActivities.SnapshotStat;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TemporalFailure;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The steps the delete flows share (workflow code: deterministic, activities only). Deletes have
 * no compensation: what they did is either harmless to keep (a flattened clone is a complete
 * copy) or irreversible, so a failed delete stops and may be run again.
 */
public final class DeleteSteps {
  private final StorageActivities storage;
  private final Consumer<OperationProgress> progress;

  public DeleteSteps(StorageActivities storage, Consumer<OperationProgress> progress) {
    this.storage = storage;
    this.progress = progress;
  }

  /** Removes the image, its snapshots and (with {@code flattenDependents}) its clones' dependency. */
  /**
   * A whole delete flow over one image: {@link #deleteImageTree}, reported "done" or "failed",
   * a failure carrying its activity's typed reason.
   */
  public DeleteResult deleteFlow(RbdRef ref, boolean flattenDependents) {
    try {
      DeleteResult result = deleteImageTree(ref, flattenDependents);
      progress.accept(OperationProgress.at("done"));
      return result;
    } catch (TemporalFailure e) {
      progress.accept(OperationProgress.at("failed"));
      throw typed(e);
    }
  }

  public DeleteResult deleteImageTree(RbdRef ref, boolean flattenDependents) {
    progress.accept(OperationProgress.at("inspect"));
    if (!storage.statImage(ref).exists()) return new DeleteResult(ref.toString(), false, List.of());
    List<SnapRef> snaps = new ArrayList<>();
    for (SnapshotStat s : storage.listSnapshots(ref)) snaps.add(new SnapRef(ref, s.name()));
    List<String> flattened = refuseOrFlatten(ref.toString(), dependents(snaps), flattenDependents);
    for (SnapRef s : snaps) removeSnapshot(s);
    progress.accept(OperationProgress.at("remove-image"));
    storage.deleteImage(ref);
    return new DeleteResult(ref.toString(), true, flattened);
  }

  /** The clones of each snapshot, in snapshot order. */
  public Map<SnapRef, List<RbdRef>> dependents(List<SnapRef> snaps) {
    progress.accept(OperationProgress.at("list-dependents"));
    Map<SnapRef, List<RbdRef>> out = new LinkedHashMap<>();
    for (SnapRef s : snaps) out.put(s, storage.listChildren(s));
    return out;
  }

  /**
   * Refuses with InUse naming every dependent clone, or flattens each (a long, heartbeating
   * activity) so that nothing depends on {@code what} any more. Returns the flattened clones.
   */
  public List<String> refuseOrFlatten(String what, Map<SnapRef, List<RbdRef>> dependents, boolean flatten) {
    List<RbdRef> clones = dependents.values().stream().flatMap(List::stream).toList();
    if (clones.isEmpty()) return List.of();
    List<String> names = clones.stream().map(RbdRef::toString).toList();
    if (!flatten) {
      throw ApplicationFailure.newNonRetryableFailure(what + " is in use: clones " + names
          + " depend on it (delete them, or ask to flatten dependents)", Failures.IN_USE, names);
    }
    for (int i = 0; i < clones.size(); i++) {
      progress.accept(new OperationProgress("flatten " + clones.get(i), i, clones.size()));
      storage.flattenImage(clones.get(i));
    }
    return names;
  }

  /**
   * The delete's failure with the activity's typed reason at the top (as the sagas report it),
   * rather than a bare ActivityFailure.
   */
  public static RuntimeException typed(TemporalFailure e) {
    return new Compensations().failWith(e);
  }

  /** Unprotect then remove; both treat "already done" as success. */
  public void removeSnapshot(SnapRef snap) {
    progress.accept(OperationProgress.at("remove-snapshot " + snap.snapshot()));
    storage.unprotectSnapshot(snap);
    storage.removeSnapshot(snap);
  }
}
