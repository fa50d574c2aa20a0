package io.cephflow.workflows.image;

import io.cephflow.workflows.common.DeleteResult;
import io.cephflow.workflows.common.OperationProgress;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Delete image, by id as Glance/Cinder do: refuse (InUse, naming them) or flatten the clones of
 * {@code snap} → unprotect and remove its snapshots → remove the image. Missing is success.
 */
@WorkflowInterface
public interface DeleteImageWorkflow {
  @WorkflowMethod
  DeleteResult delete(DeleteImageRequest request);

  @QueryMethod
  OperationProgress progress();

  static String workflowId(String imageId) {
    return "image-delete-" + imageId;
  }
}
