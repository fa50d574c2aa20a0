package io.cephflow.workflows.image;

import io.cephflow.workflows.common.DeleteResult;
import io.cephflow.workflows.common.DeleteSteps;
import io.cephflow.workflows.common.Flow;
import io.cephflow.workflows.common.OperationProgress;
import io.cephflow.workflows.common.RbdRef;
import io.cephflow.workflows.common.ResourceTags;
import io.cephflow.workflows.common.Steps;
import io.cephflow.workflows.flatten.BackgroundFlatten;
import io.cephflow.workflows.flatten.PendingFlattens;
import io.cephflow.workflows.storage.StorageActivities;

/** See {@link DeleteImageWorkflow}. */
public class DeleteImageWorkflowImpl implements DeleteImageWorkflow {
  private final StorageActivities storage = Steps.storage();
  private final Flow flow = new Flow();

  @Override
  public DeleteResult delete(DeleteImageRequest request) {
    flow.admit(request::validate, ResourceTags.image(request.imageId()));
    // the image's raw copy goes with it, and its clones are the image's dependents (before: no
    // copies)
    RawCopy rawCopy =
        flow.life().recorded() && RawCopy.enabled() ? new RawCopy(request.imageId()) : null;
    if (flow.life().recorded() && BackgroundFlatten.enabled()) {
      // made from a server and not yet detached: its flatten ends first (and removes the server's
      // snapshot)
      new PendingFlattens(storage, flow::report).awaitOwn(RbdRef.image(request.imageId()));
    }
    return DeleteSteps.deleteFlow(
        flow,
        storage,
        "image",
        request.imageId(),
        RbdRef.image(request.imageId()),
        request.flattenDependents(),
        rawCopy);
  }

  @Override
  public OperationProgress progress() {
    return flow.progress();
  }
}
