package io.cephflow.workflows.volume;

import io.cephflow.workflows.common.DeleteResult;
import io.cephflow.workflows.common.OperationProgress;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Delete volume snapshot: refuse (InUse, naming them) or flatten its clones → unprotect → remove. A
 * missing snapshot (or volume) is success.
 */
@WorkflowInterface
public interface DeleteVolumeSnapshotWorkflow {
  @WorkflowMethod
  DeleteResult delete(DeleteVolumeSnapshotRequest request);

  @QueryMethod
  OperationProgress progress();

  static String workflowId(String snapshotId) {
    return "volume-snapshot-delete-" + snapshotId;
  }
}
