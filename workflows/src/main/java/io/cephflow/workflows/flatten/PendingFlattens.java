package io.cephflow.workflows.flatten;

import io.cephflow.workflows.common.OperationProgress;
import io.cephflow.workflows.common.RbdRef;
import io.cephflow.workflows.common.SnapRef;
import io.cephflow.workflows.storage.StorageActivities;
import io.cephflow.workflows.storage.StorageActivities.ImageStat;
import io.cephflow.workflows.storage.StorageActivities.SnapshotStat;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * What deletes do about flattens (workflow code): hand them to the manager and wait, so that a
 * parent goes only once nothing depends on it and a child is never broken.
 */
public final class PendingFlattens {
  private final StorageActivities storage;
  private final Consumer<OperationProgress> progress;

  public PendingFlattens(StorageActivities storage, Consumer<OperationProgress> progress) {
    this.storage = storage;
    this.progress = progress;
  }

  /**
   * Flattens every clone through the manager (each its own workflow, the cluster-wide limit
   * applies) and waits for all.
   */
  public void flattenAll(List<RbdRef> clones) {
    flattenEach(clones.stream().map(FlattenRequest::new).toList());
  }

  private void flattenEach(List<FlattenRequest> clones) {
    if (clones.isEmpty()) return;
    // bytes of the flattens' own heartbeats are theirs (their operations show them): none here
    progress.accept(new OperationProgress("flatten-dependents", 0, -1));
    List<Promise<FlattenResult>> all = new ArrayList<>();
    for (FlattenRequest c : clones) all.add(Async.function(Flattens::await, c));
    Promise.allOf(all).get();
    for (Promise<FlattenResult> p : all) p.get();
  }

  /**
   * A server's disk: the images made from it whose background flatten has not yet removed the
   * temporary snapshot they were cloned from. Waits for those flattens (starting any that is not
   * running), which remove the snapshots; the disk can then go.
   */
  public void awaitImagesFromDisk(RbdRef disk) {
    List<FlattenRequest> clones = new ArrayList<>();
    for (SnapshotStat s : storage.listSnapshots(disk)) {
      if (!s.name().startsWith(FlattenWorkflowImpl.TEMP_SNAPSHOT_PREFIX)) continue;
      SnapRef snap = new SnapRef(disk, s.name());
      for (RbdRef child : storage.listChildren(snap)) {
        if (FlattenWorkflowImpl.isTemporaryFor(snap, child))
          clones.add(new FlattenRequest(child, snap));
      }
    }
    flattenEach(clones);
  }

  /**
   * An image from a server whose flatten is pending: waits for it, so its temporary snapshot goes
   * too.
   */
  public void awaitOwn(RbdRef image) {
    ImageStat stat = storage.statImage(image);
    if (stat.exists()
        && stat.parent() != null
        && FlattenWorkflowImpl.isTemporaryFor(stat.parent(), image)) {
      flattenEach(List.of(new FlattenRequest(image, stat.parent())));
    }
  }
}
