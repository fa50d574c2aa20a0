package io.cephflow.workflows.server;

import io.cephflow.workflows.common.OperationProgress;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Create image from server, Nova's direct-snapshot way: the VM is paused only while its disk is
 * snapshotted, and always resumed; the snapshot is cloned into {@code images/<imageId>} and given a
 * protected {@code snap}: usable at once; the flatten that detaches it (and removes the snapshot)
 * runs in the background through the flatten manager ({@code FlattenWorkflow}; before change {@code
 * flatten-manager}: inline). Workflow id: {@link #workflowId}.
 */
@WorkflowInterface
public interface CreateImageFromServerWorkflow {
  @WorkflowMethod
  CreateImageFromServerResult createImage(CreateImageFromServerRequest request);

  @QueryMethod
  OperationProgress progress();

  static String workflowId(String imageId) {
    return "image-from-server-" + imageId;
  }
}
