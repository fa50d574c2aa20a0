package io.cephflow.workflows.server;

import io.cephflow.workflows.common.Flow;
import io.cephflow.workflows.common.Lifecycle;
import io.cephflow.workflows.common.OperationProgress;
import io.cephflow.workflows.common.RbdRef;
import io.cephflow.workflows.common.ResourceRecord;
import io.cephflow.workflows.common.ResourceTags;
import io.cephflow.workflows.common.Steps;
import io.cephflow.workflows.flatten.BackgroundFlatten;
import io.cephflow.workflows.flatten.PendingFlattens;
import io.cephflow.workflows.hypervisor.HypervisorActivities;
import io.cephflow.workflows.hypervisor.ShutdownOutcome;
import io.cephflow.workflows.storage.StorageActivities;

/**
 * See {@link DeleteServerWorkflow}. Forward only: every step is idempotent, so nothing is undone
 * and a repeated delete finishes what an earlier one left. The disk is removed as the operation
 * that created it (from the server's record): a disk cephflow did not create (or a volume) is never
 * touched. The volume a server booted from is detached, never removed.
 */
public class DeleteServerWorkflowImpl implements DeleteServerWorkflow {
  private static final String VOLUME = "volume:";
  private final StorageActivities storage = Steps.storage();
  private final Flow flow = new Flow();

  @Override
  public DeleteServerResult delete(DeleteServerRequest request) {
    flow.admit(request::validate, ResourceTags.server(request.serverId()));
    Lifecycle life = flow.life();
    String serverId = request.serverId();
    HypervisorActivities hv = DomainSteps.on(request.hypervisorOrDefault());
    RbdRef disk = RbdRef.serverDisk(serverId);
    return flow.forward(
        () -> {
          ResourceRecord record = null;
          if (life.recorded()) {
            flow.at("claim");
            boolean exists = storage.statImage(disk).exists() || hv.domainState(serverId) != null;
            record = life.beginDelete("server", serverId, exists);
          }
          flow.at("shutdown");
          ShutdownOutcome shutdown =
              hv.shutdownDomain(serverId, request.shutdownTimeoutOrDefault());
          flow.at("destroy");
          hv.destroyDomain(serverId);
          flow.at("undefine");
          hv.undefineDomain(serverId);
          if (BackgroundFlatten.enabled()) {
            // images made from this disk whose flatten is pending: it ends first, never broken
            new PendingFlattens(storage, flow::report).awaitImagesFromDisk(disk);
          }
          flow.at("remove-disk");
          boolean existed = storage.statImage(disk).exists();
          storage.removeImage(disk, diskOwner(record, serverId));
          boolean removed = existed && !storage.statImage(disk).exists();
          String volume =
              record != null && record.madeFrom() != null && record.madeFrom().startsWith(VOLUME)
                  ? record.madeFrom().substring(VOLUME.length())
                  : null;
          if (volume != null) {
            flow.at("detach-volume");
            life.detach("volume", volume, ResourceTags.server(serverId));
          }
          life.deleted("server", serverId);
          return new DeleteServerResult(
              serverId, shutdown == null ? null : shutdown.name(), removed, volume);
        },
        e -> {});
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
    return flow.progress();
  }
}
