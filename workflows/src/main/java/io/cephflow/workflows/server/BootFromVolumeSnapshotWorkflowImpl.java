package io.cephflow.workflows.server;

import io.cephflow.workflows.common.Compensations;
import io.cephflow.workflows.common.Failures;
import io.cephflow.workflows.common.OperationProgress;
import io.cephflow.workflows.common.RbdRef;
import io.cephflow.workflows.common.ResourceTags;
import io.cephflow.workflows.storage.StorageActivities;
import io.cephflow.workflows.volume.VolumeFromSnapshotRequest;
import io.cephflow.workflows.volume.VolumeFromSnapshotWorkflow;
import io.cephflow.workflows.volume.VolumeResult;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Workflow;
import java.util.List;
import java.util.Map;

/**
 * See {@link BootFromVolumeSnapshotWorkflow}. The volume is made by VolumeFromSnapshot as a
 * child (its own id, so it is one resource operation too); undoing it removes only a volume
 * that child created.
 */
public class BootFromVolumeSnapshotWorkflowImpl implements BootFromVolumeSnapshotWorkflow {
  static final long GiB = 1L << 30;

  private final StorageActivities storage = Workflow.newActivityStub(StorageActivities.class);
  private OperationProgress progress = OperationProgress.at("validate");

  @Override
  public ServerResult boot(BootFromVolumeSnapshotRequest request) {
    Failures.validated(request::validate);
    ResourceTags.tag(ResourceTags.server(request.serverId()), ResourceTags.volume(request.newVolumeId()),
        ResourceTags.volume(request.sourceVolumeId()), ResourceTags.snapshot(request.snapshotId()));
    String hypervisor = request.hypervisorOrDefault();
    String volumeOwner = VolumeFromSnapshotWorkflow.workflowId(request.newVolumeId());
    RbdRef volume = RbdRef.volume(request.newVolumeId());
    Compensations undo = new Compensations();
    try {
      progress = OperationProgress.at("volume-from-snapshot");
      VolumeFromSnapshotWorkflow child = Workflow.newChildWorkflowStub(VolumeFromSnapshotWorkflow.class,
          ChildWorkflowOptions.newBuilder().setWorkflowId(volumeOwner).build());
      undo.add("remove volume " + volume, () -> storage.removeImage(volume, volumeOwner));
      VolumeResult created = child.create(new VolumeFromSnapshotRequest(request.newVolumeId(),
          request.sourceVolumeId(), request.snapshotId(), request.sizeGb() * GiB, null, 0));
      RbdRef bootDisk = new RbdRef(created.pool(), created.image());
      String state = DomainSteps.boot(DomainSteps.on(hypervisor), undo, request.serverId(), request.vcpus(),
          request.memoryMiB(), List.of(bootDisk),
          Map.of("volume-id", request.newVolumeId(), "workflow-id", Workflow.getInfo().getWorkflowId()),
          s -> progress = OperationProgress.at(s));
      Compensations.throwIfCanceled();
      progress = OperationProgress.at("done");
      return new ServerResult(request.serverId(), hypervisor, "instance-" + request.serverId(), bootDisk.toString(),
          state);
    } catch (TemporalFailure e) {
      throw undo.failWith(e, step -> progress = OperationProgress.at(step));
    }
  }

  @Override
  public OperationProgress progress() {
    return progress;
  }
}
