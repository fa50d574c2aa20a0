package io.cephflow.workflows.volume;

import io.cephflow.workflows.common.DeleteResult;
import io.cephflow.workflows.common.DeleteSteps;
import io.cephflow.workflows.common.Failures;
import io.cephflow.workflows.common.Lifecycle;
import io.cephflow.workflows.common.OperationProgress;
import io.cephflow.workflows.common.RbdRef;
import io.cephflow.workflows.common.ResourceTags;
import io.cephflow.workflows.storage.StorageActivities;
import io.temporal.workflow.Workflow;

/** See {@link DeleteVolumeWorkflow}. */
public class DeleteVolumeWorkflowImpl implements DeleteVolumeWorkflow {
  private final StorageActivities storage = Workflow.newActivityStub(StorageActivities.class);
  private OperationProgress progress = OperationProgress.at("validate");

  @Override
  public DeleteResult delete(DeleteVolumeRequest request) {
    Failures.validated(request::validate);
    ResourceTags.tag(ResourceTags.volume(request.volumeId()));
    return new DeleteSteps(storage, p -> progress = p).deleteFlow(Lifecycle.begin(), "volume", request.volumeId(),
        RbdRef.volume(request.volumeId()), request.flattenDependents());
  }

  @Override
  public OperationProgress progress() {
    return progress;
  }
}
