package io.cephflow.workflows.volume;

import io.cephflow.workflows.common.Compensations;
import io.cephflow.workflows.common.Failures;
import io.cephflow.workflows.common.Lifecycle;
import io.cephflow.workflows.common.OperationProgress;
import io.cephflow.workflows.common.RbdRef;
import io.cephflow.workflows.common.ResourceTags;
import io.cephflow.workflows.common.SnapRef;
import io.cephflow.workflows.storage.StorageActivities;
import io.cephflow.workflows.storage.StorageActivities.ImageStat;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Workflow;

/** See {@link CreateVolumeSnapshotWorkflow}. */
public class CreateVolumeSnapshotWorkflowImpl implements CreateVolumeSnapshotWorkflow {
  private final StorageActivities storage = Workflow.newActivityStub(StorageActivities.class);
  private OperationProgress progress = OperationProgress.at("validate");

  @Override
  public VolumeSnapshotResult snapshot(CreateVolumeSnapshotRequest request) {
    Failures.validated(request::validate);
    ResourceTags.tag(ResourceTags.volume(request.volumeId()), ResourceTags.snapshot(request.snapshotId()));
    RbdRef volume = RbdRef.volume(request.volumeId());
    SnapRef snap = SnapRef.volumeSnapshot(request.volumeId(), request.snapshotId());
    Lifecycle life = Lifecycle.begin();
    Compensations undo = new Compensations();
    try {
      progress = OperationProgress.at("claim");
      life.create("snapshot", request.snapshotId(), request, ResourceTags.volume(request.volumeId()), undo);
      progress = OperationProgress.at("inspect-volume");
      ImageStat stat = storage.statImage(volume);
      if (!stat.exists()) {
        throw ApplicationFailure.newNonRetryableFailure("volume " + volume + " does not exist", Failures.NOT_FOUND);
      }
      life.hold("volume", request.volumeId(), true, undo);
      // checked before creating, so the undo below can only ever remove the snapshot this flow made
      boolean taken = storage.listSnapshots(volume).stream().anyMatch(s -> s.name().equals(snap.snapshot()));
      if (taken) {
        throw ApplicationFailure.newNonRetryableFailure("snapshot " + snap + " already exists", Failures.CONFLICT);
      }
      progress = OperationProgress.at("snapshot");
      undo.add("remove snapshot " + snap, () -> storage.removeSnapshot(snap));
      storage.createSnapshot(snap);
      progress = OperationProgress.at("protect");
      undo.add("unprotect snapshot " + snap, () -> storage.unprotectSnapshot(snap));
      storage.protectSnapshot(snap);
      life.created("snapshot", request.snapshotId(), null);
      Compensations.throwIfCanceled();
      progress = OperationProgress.at("done");
      return new VolumeSnapshotResult(request.volumeId(), request.snapshotId(), volume.pool(), volume.image(),
          snap.snapshot(), stat.sizeBytes());
    } catch (TemporalFailure e) {
      throw undo.failWith(e, step -> progress = progress.ending(step));
    }
  }

  @Override
  public OperationProgress progress() {
    return progress;
  }
}
