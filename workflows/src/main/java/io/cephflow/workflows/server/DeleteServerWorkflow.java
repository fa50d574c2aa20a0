package io.cephflow.workflows.server;

import io.cephflow.workflows.common.OperationProgress;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Delete server: shut down (ACPI, then destroy after a timeout), undefine, and remove {@code
 * vms/<serverId>_disk} if cephflow created it. Volumes are never deleted here. Workflow id: {@link
 * #workflowId}.
 */
@WorkflowInterface
public interface DeleteServerWorkflow {
  @WorkflowMethod
  DeleteServerResult delete(DeleteServerRequest request);

  @QueryMethod
  OperationProgress progress();

  static String workflowId(String serverId) {
    return "server-delete-" + serverId;
  }
}
