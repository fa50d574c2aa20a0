package io.cephflow.workflows.server;

import io.cephflow.workflows.common.Compensations;
import io.cephflow.workflows.common.Failures;
import io.cephflow.workflows.common.Lifecycle;
import io.cephflow.workflows.common.OperationProgress;
import io.cephflow.workflows.common.RbdRef;
import io.cephflow.workflows.common.ResourceRecord;
import io.cephflow.workflows.common.ResourceTags;
import io.cephflow.workflows.flatten.BackgroundFlatten;
import io.cephflow.workflows.flatten.PendingFlattens;
import io.cephflow.workflows.storage.StorageActivities;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Workflow;

/**
 * See {@link DeleteServerWorkflow}. Forward only: every step is idempotent, so nothing is
 * undone and a repeated delete finishes what an earlier one left. The disk is removed as the
 * operation that created it (from the server's record): a disk cephflow did not create (or a
 * volume) is never touched. The volume a server booted from is detached, never removed.
 */
public class DeleteServerWorkflowImpl implements DeleteServerWorkflow {
  private static final String VOLUME = "volume:";
  private final StorageActivities storage = Workflow.newActivityStub(StorageActivities.class);
  private OperationProgress progress = OperationProgress.at("validate");

  @Override
  public DeleteServerResult delete(DeleteServerRequest request) {
    Failures.validated(request::validate);
    ResourceTags.tag(ResourceTags.server(request.serverId()));
    Lifecycle life = Lifecycle.begin();
    String serverId = request.serverId();
    HypervisorActivities hv = DomainSteps.on(request.hypervisorOrDefault());
    RbdRef disk = RbdRef.serverDisk(serverId);
    try {
      ResourceRecord record = null;
      if (life.recorded()) {
        progress = OperationProgress.at("claim");
        boolean exists = storage.statImage(disk).exists() || hv.domainState(serverId) != null;
        record = life.beginDelete("server", serverId, exists);
      }
      progress = OperationProgress.at("shutdown");
      String shutdown = hv.shutdownDomain(serverId, request.shutdownTimeoutOrDefault());
      progress = OperationProgress.at("destroy");
      hv.destroyDomain(serverId);
      progress = OperationProgress.at("undefine");
      hv.undefineDomain(serverId);
      if (BackgroundFlatten.enabled()) {
        // images made from this disk whose flatten is pending: it ends first, never broken
        new PendingFlattens(storage, p -> progress = p).awaitImagesFromDisk(disk);
      }
      progress = OperationProgress.at("remove-disk");
      boolean existed = storage.statImage(disk).exists();
      storage.removeImage(disk, diskOwner(record, serverId));
      boolean removed = existed && !storage.statImage(disk).exists();
      String volume = record != null && record.madeFrom() != null && record.madeFrom().startsWith(VOLUME)
          ? record.madeFrom().substring(VOLUME.length()) : null;
      if (volume != null) {
        progress = OperationProgress.at("detach-volume");
        life.detach("volume", volume, ResourceTags.server(serverId));
      }
      life.deleted("server", serverId);
      progress = OperationProgress.at("done");
      return new DeleteServerResult(serverId, shutdown, removed, volume);
    } catch (TemporalFailure e) {
      progress = OperationProgress.at("failed");
      throw new Compensations().failWith(e);
    }
  }

  /** The boot that created the disk; servers from before records recorded the bare workflow id. */
  private static String diskOwner(ResourceRecord record, String serverId) {
    if (record == null || ResourceRecord.UNRECORDED.equals(record.createdBy())) {
      return BootFromImageWorkflow.workflowId(serverId);
    }
    return record.createdBy();
  }

  @Override
  public OperationProgress progress() {
    return progress;
  }
}
