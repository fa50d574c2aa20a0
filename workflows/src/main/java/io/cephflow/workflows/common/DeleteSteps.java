package io.cephflow.workflows.common;

import io.cephflow.workflows.flatten.BackgroundFlatten;
import io.cephflow.workflows.flatten.PendingFlattens;
import io.cephflow.workflows.storage.StorageActivities;
import io.cephflow.workflows.storage.StorageActivities.SnapshotStat;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The steps the delete flows share (workflow code: deterministic, activities only). Deletes have no
 * compensation: what they did is either harmless to keep (a flattened clone is a complete copy) or
 * irreversible, so a failed delete stops and may be run again.
 */
public final class DeleteSteps {
  /**
   * A volume's delete begins all its snapshots' records before it removes anything, so a snapshot
   * held by another operation (Conflict) refuses the whole delete, which leaves the volume
   * AVAILABLE (before: the volume stayed DELETING, some snapshots already removed).
   */
  static final String SNAPSHOTS_FIRST = "snapshot-records-first";

  private final StorageActivities storage;

  /** Whether a Conflict can only have come before anything was removed (so it is a refusal). */
  private boolean conflictRefuses;

  private final Consumer<OperationProgress> progress;

  public DeleteSteps(StorageActivities storage, Consumer<OperationProgress> progress) {
    this.storage = storage;
    this.progress = progress;
  }

  /**
   * A whole delete flow over the image of resource {@code kind:id}: its record marked DELETING
   * (refused at once when missing, deleted, busy or in use), {@link #deleteImageTree}, the record
   * DELETED; reported "done" or "failed", a failure carrying its activity's typed reason. A refusal
   * (InUse: clones depend on it) leaves the resource available.
   */
  public static DeleteResult deleteFlow(
      Flow flow,
      StorageActivities storage,
      String kind,
      String id,
      RbdRef ref,
      boolean flattenDependents) {
    return deleteFlow(flow, storage, kind, id, ref, flattenDependents, null);
  }

  /**
   * Images made from a resource that go with it (an image's raw copy): begun after the resource's
   * own record, their clones count as the resource's dependents, removed before it.
   */
  public interface Derived {
    /**
     * Begins their delete (Conflict while another operation still makes them); the images to
     * remove.
     */
    List<RbdRef> beginDelete(String operation);

    void deleted(String operation);

    void deleteStopped(String operation);
  }

  /**
   * {@link #deleteFlow(Flow, StorageActivities, String, String, RbdRef, boolean)} with what was
   * derived from it (or null).
   */
  public static DeleteResult deleteFlow(
      Flow flow,
      StorageActivities storage,
      String kind,
      String id,
      RbdRef ref,
      boolean flattenDependents,
      Derived derived) {
    DeleteSteps steps = new DeleteSteps(storage, flow::report);
    Lifecycle life = flow.life();
    boolean[] derivedBegun = {false};
    return flow.forward(
        () -> {
          if (life.recorded()) {
            flow.at("claim");
            life.beginDelete(kind, id, storage.statImage(ref).exists());
          }
          List<RbdRef> extra = List.of();
          if (derived != null) {
            extra = derived.beginDelete(life.operation());
            derivedBegun[0] = true;
          }
          DeleteResult result = steps.deleteImageTree(ref, flattenDependents, life, extra);
          if (derived != null) derived.deleted(life.operation());
          life.deleted(kind, id);
          return result;
        },
        e -> {
          String type = typeOf(e);
          boolean refused =
              Failures.IN_USE.equals(type)
                  || ((derived != null || steps.conflictRefuses) && Failures.CONFLICT.equals(type));
          if (refused) {
            if (derivedBegun[0]) derived.deleteStopped(life.operation());
            life.deleteStopped(kind, id);
          }
        });
  }

  /**
   * The delete flow of a volume snapshot, as {@link #deleteFlow} for an image: its record marked
   * DELETING (a snapshot id asked on another volume is NotFound), its clones refused or flattened,
   * unprotect and remove, the record DELETED. A missing snapshot is success.
   */
  public static DeleteResult deleteSnapshotFlow(
      Flow flow,
      StorageActivities storage,
      String volumeId,
      String snapshotId,
      boolean flattenDependents) {
    DeleteSteps steps = new DeleteSteps(storage, flow::report);
    Lifecycle life = flow.life();
    SnapRef snap = SnapRef.volumeSnapshot(volumeId, snapshotId);
    RbdRef volume = snap.image();
    return flow.forward(
        () -> {
          flow.at("inspect");
          // listSnapshots is empty for a missing volume: nothing to delete either way
          boolean exists =
              storage.listSnapshots(volume).stream()
                  .anyMatch(s -> s.name().equals(snap.snapshot()));
          if (life.recorded()) {
            ResourceRecord record = life.beginDelete("snapshot", snapshotId, exists);
            // a snapshot id names one volume's snapshot: asked on another volume, it is not there
            if (record.madeFrom() != null
                && !record.madeFrom().equals(ResourceTags.volume(volumeId))) {
              life.deleteStopped("snapshot", snapshotId);
              throw ApplicationFailure.newNonRetryableFailure(
                  "snapshot "
                      + snapshotId
                      + " is a snapshot of "
                      + record.madeFrom()
                      + ", not of volume:"
                      + volumeId,
                  Failures.NOT_FOUND);
            }
          }
          if (!exists) {
            life.deleted("snapshot", snapshotId);
            return new DeleteResult(snap.toString(), false, List.of());
          }
          List<String> flattened =
              steps.refuseOrFlatten(
                  snap.toString(), steps.dependents(List.of(snap)), flattenDependents);
          steps.removeSnapshot(snap);
          life.deleted("snapshot", snapshotId);
          return new DeleteResult(snap.toString(), true, flattened);
        },
        e -> {
          if (Failures.IN_USE.equals(typeOf(e))) life.deleteStopped("snapshot", snapshotId);
        });
  }

  /** The typed reason of a step's failure, or null. */
  public static String typeOf(TemporalFailure e) {
    ApplicationFailure app = Compensations.applicationCause(e);
    return app == null ? null : app.getType();
  }

  /**
   * Removes the image, its snapshots and (with {@code flattenDependents}) its clones' dependency.
   */
  public DeleteResult deleteImageTree(RbdRef ref, boolean flattenDependents, Lifecycle life) {
    return deleteImageTree(ref, flattenDependents, life, List.of());
  }

  /**
   * {@link #deleteImageTree(RbdRef, boolean, Lifecycle)} with the images derived from it ({@code
   * derived}, each removed first when it exists): the clones of any of their snapshots refuse (or
   * are flattened) as the image's own.
   */
  public DeleteResult deleteImageTree(
      RbdRef ref, boolean flattenDependents, Lifecycle life, List<RbdRef> derived) {
    if (derived.isEmpty()) return deleteOwnTree(ref, flattenDependents, life);
    progress.accept(OperationProgress.at("inspect"));
    boolean exists = storage.statImage(ref).exists();
    List<RbdRef> present = new ArrayList<>();
    for (RbdRef d : derived) if (storage.statImage(d).exists()) present.add(d);
    if (!exists && present.isEmpty()) return new DeleteResult(ref.toString(), false, List.of());
    List<RbdRef> all = new ArrayList<>(present);
    if (exists) all.add(ref);
    Map<RbdRef, List<SnapRef>> snaps = new LinkedHashMap<>();
    for (RbdRef r : all) {
      List<SnapRef> own = new ArrayList<>();
      for (SnapshotStat s : storage.listSnapshots(r)) own.add(new SnapRef(r, s.name()));
      snaps.put(r, own);
    }
    List<String> flattened =
        refuseOrFlatten(
            ref.toString(),
            dependents(snaps.values().stream().flatMap(List::stream).toList()),
            flattenDependents);
    for (RbdRef r : all) {
      for (SnapRef s : snaps.get(r)) removeSnapshot(s);
      progress.accept(OperationProgress.at("remove-image " + r));
      storage.deleteImage(r);
    }
    return new DeleteResult(ref.toString(), true, flattened);
  }

  private DeleteResult deleteOwnTree(RbdRef ref, boolean flattenDependents, Lifecycle life) {
    progress.accept(OperationProgress.at("inspect"));
    if (!storage.statImage(ref).exists()) return new DeleteResult(ref.toString(), false, List.of());
    List<SnapRef> snaps = new ArrayList<>();
    for (SnapshotStat s : storage.listSnapshots(ref)) snaps.add(new SnapRef(ref, s.name()));
    List<String> flattened = refuseOrFlatten(ref.toString(), dependents(snaps), flattenDependents);
    boolean first =
        life.recorded()
            && Workflow.getVersion(SNAPSHOTS_FIRST, Workflow.DEFAULT_VERSION, 1)
                != Workflow.DEFAULT_VERSION;
    if (first) beginSnapshotDeletes(life, snaps);
    for (SnapRef s : snaps) {
      // a volume's snapshots go with it; their records say so (a failed delete, repeated, finishes
      // them)
      String snapshotId = volumeSnapshotId(s);
      if (snapshotId != null && !first) life.beginDelete("snapshot", snapshotId, true);
      removeSnapshot(s);
      if (snapshotId != null) life.deleted("snapshot", snapshotId);
    }
    progress.accept(OperationProgress.at("remove-image"));
    storage.deleteImage(ref);
    return new DeleteResult(ref.toString(), true, flattened);
  }

  /**
   * Begins the delete of every snapshot record of the volume; on a refusal (another operation
   * creates or deletes one) gives back those it began and throws it, nothing removed yet.
   */
  private void beginSnapshotDeletes(Lifecycle life, List<SnapRef> snaps) {
    List<String> begun = new ArrayList<>();
    conflictRefuses = true;
    try {
      for (SnapRef s : snaps) {
        String snapshotId = volumeSnapshotId(s);
        if (snapshotId == null) continue;
        life.beginDelete("snapshot", snapshotId, true);
        begun.add(snapshotId);
      }
    } catch (TemporalFailure e) {
      for (String id : begun) life.deleteStopped("snapshot", id);
      throw e; // with conflictRefuses still set: the flow gives the volume back too
    }
    conflictRefuses = false;
  }

  /** The id of a volume snapshot cephflow names {@code snapshot-<id>}, else null. */
  static String volumeSnapshotId(SnapRef s) {
    String prefix = "snapshot-";
    if (!RbdRef.VOLUMES.equals(s.image().pool()) || !s.snapshot().startsWith(prefix)) return null;
    String id = s.snapshot().substring(prefix.length());
    return Ids.isValid(id) ? id : null;
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
  public List<String> refuseOrFlatten(
      String what, Map<SnapRef, List<RbdRef>> dependents, boolean flatten) {
    List<RbdRef> clones = dependents.values().stream().flatMap(List::stream).toList();
    if (clones.isEmpty()) return List.of();
    List<String> names = clones.stream().map(RbdRef::toString).toList();
    if (!flatten) {
      throw ApplicationFailure.newNonRetryableFailure(
          what
              + " is in use: clones "
              + names
              + " depend on it (delete them, or ask to flatten dependents)",
          Failures.IN_USE,
          names);
    }
    if (BackgroundFlatten.enabled()) {
      // handed to the flatten manager: each clone its own flatten, under the cluster-wide limit
      new PendingFlattens(storage, progress).flattenAll(clones);
      return names;
    }
    for (RbdRef clone : clones) {
      // bytes, as the flatten's heartbeat reports them (its total unknown here), never the clone
      // count: "1 of 2" shown as bytes done ran backwards once the flatten's first heartbeat came
      progress.accept(new OperationProgress("flatten " + clone, 0, -1));
      storage.flattenImage(clone);
    }
    return names;
  }

  /** Unprotect then remove; both treat "already done" as success. */
  public void removeSnapshot(SnapRef snap) {
    progress.accept(OperationProgress.at("remove-snapshot " + snap.snapshot()));
    storage.unprotectSnapshot(snap);
    storage.removeSnapshot(snap);
  }
}
