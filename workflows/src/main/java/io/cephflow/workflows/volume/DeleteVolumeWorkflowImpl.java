package io.cephflow.workflows.volume;

import io.cephflow.workflows.common.DeleteResult;
import io.cephflow.workflows.common.DeleteSteps;
import io.cephflow.workflows.common.Flow;
import io.cephflow.workflows.common.OperationProgress;
import io.cephflow.workflows.common.RbdRef;
import io.cephflow.workflows.common.ResourceTags;
import io.cephflow.workflows.common.Steps;
import io.cephflow.workflows.storage.StorageActivities;

/** See {@link DeleteVolumeWorkflow}. */
public class DeleteVolumeWorkflowImpl implements DeleteVolumeWorkflow {
  private final StorageActivities storage = Steps.storage();
  private final Flow flow = new Flow();

  @Override
  public DeleteResult delete(DeleteVolumeRequest request) {
    flow.admit(request::validate, ResourceTags.volume(request.volumeId()));
    return DeleteSteps.deleteFlow(
        flow,
        storage,
        "volume",
        request.volumeId(),
        RbdRef.volume(request.volumeId()),
        request.flattenDependents());
  }

  @Override
  public OperationProgress progress() {
    return flow.progress();
  }
}
