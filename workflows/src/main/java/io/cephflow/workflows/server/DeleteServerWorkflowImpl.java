package io.cephflow.workflows.server;

import io.cephflow.workflows.common.Compensations;
import io.cephflow.workflows.common.Failures;
import io.cephflow.workflows.common.OperationProgress;
import io.cephflow.workflows.common.RbdRef;
import io.cephflow.workflows.common.ResourceTags;
import io.cephflow.workflows.storage.StorageActivities;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Workflow;

/**
 * See {@link DeleteServerWorkflow}. Forward only: every step is idempotent, so nothing is
 * undone and a repeated delete finishes what an earlier one left. The disk is removed with
 * the boot flow's id as owner: a disk cephflow did not create (or a volume) is never touched.
 */
public class DeleteServerWorkflowImpl implements DeleteServerWorkflow {
  private final StorageActivities storage = Workflow.newActivityStub(StorageActivities.class);
  private OperationProgress progress = OperationProgress.at("validate");

  @Override
  public DeleteServerResult delete(DeleteServerRequest request) {
    Failures.validated(request::validate);
    ResourceTags.tag(ResourceTags.server(request.serverId()));
    String serverId = request.serverId();
    HypervisorActivities hv = DomainSteps.on(request.hypervisorOrDefault());
    RbdRef disk = RbdRef.serverDisk(serverId);
    try {
      progress = OperationProgress.at("shutdown");
      String shutdown = hv.shutdownDomain(serverId, request.shutdownTimeoutOrDefault());
      progress = OperationProgress.at("destroy");
      hv.destroyDomain(serverId);
      progress = OperationProgress.at("undefine");
      hv.undefineDomain(serverId);
      progress = OperationProgress.at("remove-disk");
      boolean existed = storage.statImage(disk).exists();
      storage.removeImage(disk, BootFromImageWorkflow.workflowId(serverId));
      boolean removed = existed && !storage.statImage(disk).exists();
      progress = OperationProgress.at("done");
      return new DeleteServerResult(serverId, shutdown, removed);
    } catch (TemporalFailure e) {
      progress = OperationProgress.at("failed");
      throw new Compensations().failWith(e);
    }
  }

  @Override
  public OperationProgress progress() {
    return progress;
  }
}
