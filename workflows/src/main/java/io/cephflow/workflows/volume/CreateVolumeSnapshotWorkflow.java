package io.cephflow.workflows.volume;

import io.cephflow.workflows.common.OperationProgress;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Volume snapshot: snapshot {@code snapshot-<id>} [remove] → protect [unprotect], so it can be
 * cloned.
 */
@WorkflowInterface
public interface CreateVolumeSnapshotWorkflow {
  @WorkflowMethod
  VolumeSnapshotResult snapshot(CreateVolumeSnapshotRequest request);

  @QueryMethod
  OperationProgress progress();

  static String workflowId(String snapshotId) {
    return "volume-snapshot-" + snapshotId;
  }
}
