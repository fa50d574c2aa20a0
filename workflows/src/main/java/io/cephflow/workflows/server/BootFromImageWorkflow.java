package io.cephflow.workflows.server;

import io.cephflow.workflows.common.OperationProgress;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Boot from image: clone a raw image's {@code snap} into {@code vms/<serverId>_disk} (or convert
 * another format into it), grow it to the root disk size, then define and start {@code
 * instance-<serverId>} on the hypervisor. Workflow id: {@link #workflowId}.
 */
@WorkflowInterface
public interface BootFromImageWorkflow {
  @WorkflowMethod
  ServerResult boot(BootFromImageRequest request);

  @QueryMethod
  OperationProgress progress();

  static String workflowId(String serverId) {
    return "server-boot-" + serverId;
  }
}
