package io.cephflow.workflows.volume;

import io.cephflow.workflows.common.DeleteResult;
import io.cephflow.workflows.common.OperationProgress;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Delete volume, by id as Cinder does: refuse (InUse, naming them) or flatten the clones of its
 * snapshots → unprotect and remove each snapshot → remove the volume. A missing volume is success.
 */
@WorkflowInterface
public interface DeleteVolumeWorkflow {
  @WorkflowMethod
  DeleteResult delete(DeleteVolumeRequest request);

  @QueryMethod
  OperationProgress progress();

  static String workflowId(String volumeId) {
    return "volume-delete-" + volumeId;
  }
}
