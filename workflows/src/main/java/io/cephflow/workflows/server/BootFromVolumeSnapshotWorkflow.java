package io.cephflow.workflows.server;

import io.cephflow.workflows.common.OperationProgress;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Boot from volume snapshot: a new volume from the snapshot (VolumeFromSnapshot as a child
 * workflow), then boot from it. Workflow id: {@link #workflowId}.
 */
@WorkflowInterface
public interface BootFromVolumeSnapshotWorkflow {
  @WorkflowMethod
  ServerResult boot(BootFromVolumeSnapshotRequest request);

  @QueryMethod
  OperationProgress progress();

  static String workflowId(String serverId) {
    return "server-boot-" + serverId;
  }
}
