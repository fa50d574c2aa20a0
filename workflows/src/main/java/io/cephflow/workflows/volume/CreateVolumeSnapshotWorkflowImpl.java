package io.cephflow.workflows.volume;

import io.cephflow.workflows.common.Compensations;
import io.cephflow.workflows.common.Failures;
import io.cephflow.workflows.common.Flow;
import io.cephflow.workflows.common.OperationProgress;
import io.cephflow.workflows.common.RbdRef;
import io.cephflow.workflows.common.ResourceTags;
import io.cephflow.workflows.common.SnapRef;
import io.cephflow.workflows.common.Steps;
import io.cephflow.workflows.storage.StorageActivities;
import io.cephflow.workflows.storage.StorageActivities.ImageStat;
import io.temporal.failure.ApplicationFailure;

/** See {@link CreateVolumeSnapshotWorkflow}. */
public class CreateVolumeSnapshotWorkflowImpl implements CreateVolumeSnapshotWorkflow {
  private final StorageActivities storage = Steps.storage();
  private final Flow flow = new Flow();

  @Override
  public VolumeSnapshotResult snapshot(CreateVolumeSnapshotRequest request) {
    flow.admit(
        request::validate,
        ResourceTags.volume(request.volumeId()),
        ResourceTags.snapshot(request.snapshotId()));
    RbdRef volume = RbdRef.volume(request.volumeId());
    SnapRef snap = SnapRef.volumeSnapshot(request.volumeId(), request.snapshotId());
    Compensations undo = flow.undo();
    return flow.saga(
        () -> {
          flow.claim(
              "snapshot", request.snapshotId(), request, ResourceTags.volume(request.volumeId()));
          flow.at("inspect-volume");
          ImageStat stat = storage.statImage(volume);
          if (!stat.exists()) {
            throw ApplicationFailure.newNonRetryableFailure(
                "volume " + volume + " does not exist", Failures.NOT_FOUND);
          }
          flow.life().hold("volume", request.volumeId(), true, undo);
          // checked before creating, so the undo below can only ever remove the snapshot this flow
          // made
          boolean taken =
              storage.listSnapshots(volume).stream()
                  .anyMatch(s -> s.name().equals(snap.snapshot()));
          if (taken) {
            throw ApplicationFailure.newNonRetryableFailure(
                "snapshot " + snap + " already exists", Failures.CONFLICT);
          }
          flow.at("snapshot");
          undo.add("remove snapshot " + snap, () -> storage.removeSnapshot(snap));
          storage.createSnapshot(snap);
          flow.at("protect");
          undo.add("unprotect snapshot " + snap, () -> storage.unprotectSnapshot(snap));
          storage.protectSnapshot(snap);
          flow.life().created("snapshot", request.snapshotId(), null);
          return new VolumeSnapshotResult(
              request.volumeId(),
              request.snapshotId(),
              volume.pool(),
              volume.image(),
              snap.snapshot(),
              stat.sizeBytes());
        });
  }

  @Override
  public OperationProgress progress() {
    return flow.progress();
  }
}
