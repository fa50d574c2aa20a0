package io.cephflow.workflows.volume;

import io.cephflow.workflows.common.DeleteResult;
import io.cephflow.workflows.common.DeleteSteps;
import io.cephflow.workflows.common.Flow;
import io.cephflow.workflows.common.OperationProgress;
import io.cephflow.workflows.common.ResourceTags;
import io.cephflow.workflows.common.Steps;
import io.cephflow.workflows.storage.StorageActivities;

/** See {@link DeleteVolumeSnapshotWorkflow}. */
public class DeleteVolumeSnapshotWorkflowImpl implements DeleteVolumeSnapshotWorkflow {
  private final StorageActivities storage = Steps.storage();
  private final Flow flow = new Flow();

  @Override
  public DeleteResult delete(DeleteVolumeSnapshotRequest request) {
    flow.admit(
        request::validate,
        ResourceTags.volume(request.volumeId()),
        ResourceTags.snapshot(request.snapshotId()));
    return DeleteSteps.deleteSnapshotFlow(
        flow, storage, request.volumeId(), request.snapshotId(), request.flattenDependents());
  }

  @Override
  public OperationProgress progress() {
    return flow.progress();
  }
}
