package io.cephflow.workflows.volume;

import io.cephflow.workflows.common.OperationProgress;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Volume from snapshot: clone, flatten by policy, resize when larger. Also a child of
 * BootFromVolumeSnapshot.
 */
@WorkflowInterface
public interface VolumeFromSnapshotWorkflow {
  @WorkflowMethod
  VolumeResult create(VolumeFromSnapshotRequest request);

  @QueryMethod
  OperationProgress progress();

  static String workflowId(String volumeId) {
    return "volume-create-" + volumeId;
  }
}
