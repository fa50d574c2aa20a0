package io.cephflow.workflows.image;

import io.cephflow.workflows.common.DeleteResult;
import io.cephflow.workflows.common.DeleteSteps;
import io.cephflow.workflows.common.Failures;
import io.cephflow.workflows.common.Lifecycle;
import io.cephflow.workflows.common.OperationProgress;
import io.cephflow.workflows.common.RbdRef;
import io.cephflow.workflows.common.ResourceTags;
import io.cephflow.workflows.flatten.BackgroundFlatten;
import io.cephflow.workflows.flatten.PendingFlattens;
import io.cephflow.workflows.storage.StorageActivities;
import io.temporal.workflow.Workflow;

/** See {@link DeleteImageWorkflow}. */
public class DeleteImageWorkflowImpl implements DeleteImageWorkflow {
  private final StorageActivities storage = Workflow.newActivityStub(StorageActivities.class);
  private OperationProgress progress = OperationProgress.at("validate");

  @Override
  public DeleteResult delete(DeleteImageRequest request) {
    Failures.validated(request::validate);
    ResourceTags.tag(ResourceTags.image(request.imageId()));
    Lifecycle life = Lifecycle.begin();
    // the image's raw copy goes with it, and its clones are the image's dependents (before: no copies)
    RawCopy rawCopy = life.recorded() && RawCopy.enabled() ? new RawCopy(request.imageId()) : null;
    if (life.recorded() && BackgroundFlatten.enabled()) {
      // made from a server and not yet detached: its flatten ends first (and removes the server's snapshot)
      new PendingFlattens(storage, p -> progress = p).awaitOwn(RbdRef.image(request.imageId()));
    }
    return new DeleteSteps(storage, p -> progress = p).deleteFlow(life, "image", request.imageId(),
        RbdRef.image(request.imageId()), request.flattenDependents(), rawCopy);
  }

  @Override
  public OperationProgress progress() {
    return progress;
  }
}
