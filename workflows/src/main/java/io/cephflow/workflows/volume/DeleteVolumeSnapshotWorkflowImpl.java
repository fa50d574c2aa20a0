package io.cephflow.workflows.volume;

import io.cephflow.workflows.common.DeleteResult;
import io.cephflow.workflows.common.DeleteSteps;
import io.cephflow.workflows.common.Failures;
import io.cephflow.workflows.common.Lifecycle;
import io.cephflow.workflows.common.OperationProgress;
import io.cephflow.workflows.common.RbdRef;
import io.cephflow.workflows.common.ResourceRecord;
import io.cephflow.workflows.common.ResourceTags;
import io.cephflow.workflows.common.SnapRef;
import io.cephflow.workflows.storage.StorageActivities;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Workflow;
import java.util.List;

/** See {@link DeleteVolumeSnapshotWorkflow}. */
public class DeleteVolumeSnapshotWorkflowImpl implements DeleteVolumeSnapshotWorkflow {
  private final StorageActivities storage = Workflow.newActivityStub(StorageActivities.class);
  private OperationProgress progress = OperationProgress.at("validate");

  @Override
  public DeleteResult delete(DeleteVolumeSnapshotRequest request) {
    Failures.validated(request::validate);
    ResourceTags.tag(ResourceTags.volume(request.volumeId()), ResourceTags.snapshot(request.snapshotId()));
    SnapRef snap = SnapRef.volumeSnapshot(request.volumeId(), request.snapshotId());
    RbdRef volume = snap.image();
    DeleteSteps steps = new DeleteSteps(storage, p -> progress = p);
    Lifecycle life = Lifecycle.begin();
    String id = request.snapshotId();
    try {
      progress = OperationProgress.at("inspect");
      // listSnapshots is empty for a missing volume: nothing to delete either way
      boolean exists = storage.listSnapshots(volume).stream().anyMatch(s -> s.name().equals(snap.snapshot()));
      if (life.recorded()) {
        ResourceRecord record = life.beginDelete("snapshot", id, exists);
        // a snapshot id names one volume's snapshot: asked on another volume, it is not there
        if (record.madeFrom() != null && !record.madeFrom().equals(ResourceTags.volume(request.volumeId()))) {
          life.deleteStopped("snapshot", id);
          throw ApplicationFailure.newNonRetryableFailure("snapshot " + id + " is a snapshot of "
              + record.madeFrom() + ", not of volume:" + request.volumeId(), Failures.NOT_FOUND);
        }
      }
      if (!exists) {
        life.deleted("snapshot", id);
        progress = OperationProgress.at("done");
        return new DeleteResult(snap.toString(), false, List.of());
      }
      List<String> flattened = steps.refuseOrFlatten(snap.toString(), steps.dependents(List.of(snap)),
          request.flattenDependents());
      steps.removeSnapshot(snap);
      life.deleted("snapshot", id);
      progress = OperationProgress.at("done");
      return new DeleteResult(snap.toString(), true, flattened);
    } catch (TemporalFailure e) {
      if (Failures.IN_USE.equals(DeleteSteps.typeOf(e))) life.deleteStopped("snapshot", id);
      progress = OperationProgress.at("failed");
      throw DeleteSteps.typed(e);
    }
  }

  @Override
  public OperationProgress progress() {
    return progress;
  }
}
