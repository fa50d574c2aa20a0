package io.cephflow.workflows.server;

import io.cephflow.workflows.common.OperationProgress;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Boot from volume: define and start {@code instance-<serverId>} over an existing {@code
 * volumes/volume-<volumeId>}; no storage steps. Workflow id: {@link #workflowId}.
 */
@WorkflowInterface
public interface BootFromVolumeWorkflow {
  @WorkflowMethod
  ServerResult boot(BootFromVolumeRequest request);

  @QueryMethod
  OperationProgress progress();

  static String workflowId(String serverId) {
    return "server-boot-" + serverId;
  }
}
