package io.cephflow.workflows.image;

import io.cephflow.workflows.common.OperationProgress;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Upload image: create {@code images/<imageId>}, write the data, snapshot {@code snap}, protect it,
 * record provenance. Workflow id: {@link #workflowId}.
 */
@WorkflowInterface
public interface UploadImageWorkflow {
  @WorkflowMethod
  UploadImageResult upload(UploadImageRequest request);

  @QueryMethod
  OperationProgress progress();

  static String workflowId(String imageId) {
    return "image-upload-" + imageId;
  }
}
