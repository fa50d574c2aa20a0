package io.cephflow.workflows.image;

import io.cephflow.workflows.common.DeleteResult;
import io.cephflow.workflows.common.DeleteSteps;
import io.cephflow.workflows.common.Failures;
import io.cephflow.workflows.common.OperationProgress;
import io.cephflow.workflows.common.RbdRef;
import io.cephflow.workflows.storage.StorageActivities;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Workflow;

/** See {@link DeleteImageWorkflow}. */
public class DeleteImageWorkflowImpl implements DeleteImageWorkflow {
  private final StorageActivities storage = Workflow.newActivityStub(StorageActivities.class);
  private OperationProgress progress = OperationProgress.at("validate");

  @Override
  public DeleteResult delete(DeleteImageRequest request) {
    try {
      request.validate();
    } catch (IllegalArgumentException e) {
      throw ApplicationFailure.newNonRetryableFailure(e.getMessage(), Failures.INVALID_REQUEST);
    }
    try {
      DeleteResult result = new DeleteSteps(storage, p -> progress = p)
          .deleteImageTree(RbdRef.image(request.imageId()), request.flattenDependents());
      progress = OperationProgress.at("done");
      return result;
    } catch (TemporalFailure e) {
      progress = OperationProgress.at("failed");
      throw DeleteSteps.typed(e);
    }
  }

  @Override
  public OperationProgress progress() {
    return progress;
  }
}
