package io.cephflow.workflows.server;

import io.cephflow.workflows.common.Compensations;
import io.cephflow.workflows.common.Failures;
import io.cephflow.workflows.common.Flow;
import io.cephflow.workflows.common.Lifecycle;
import io.cephflow.workflows.common.OperationProgress;
import io.cephflow.workflows.common.RbdRef;
import io.cephflow.workflows.common.ResourceTags;
import io.cephflow.workflows.common.SnapRef;
import io.cephflow.workflows.common.Steps;
import io.cephflow.workflows.storage.StorageActivities;
import io.cephflow.workflows.volume.VolumeFromSnapshotRequest;
import io.cephflow.workflows.volume.VolumeFromSnapshotWorkflow;
import io.cephflow.workflows.volume.VolumeResult;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.ChildWorkflowFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Functions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.util.List;
import java.util.Map;

/**
 * See {@link BootFromVolumeSnapshotWorkflow}. The volume is made by VolumeFromSnapshot as a child
 * (its own id, so it is one resource operation too, never started twice under one id). The child
 * undoes its own failure; once it has succeeded, this flow's undo removes the volume only as the
 * child's own operation (workflow id and run), so no request can make it remove a volume another
 * operation created.
 */
public class BootFromVolumeSnapshotWorkflowImpl implements BootFromVolumeSnapshotWorkflow {
  static final long GiB = 1L << 30;

  private final StorageActivities storage = Steps.storage();
  private final Flow flow = new Flow();

  @Override
  public ServerResult boot(BootFromVolumeSnapshotRequest request) {
    flow.admit(
        request::validate,
        ResourceTags.server(request.serverId()),
        ResourceTags.volume(request.newVolumeId()),
        ResourceTags.volume(request.sourceVolumeId()),
        ResourceTags.snapshot(request.snapshotId()));
    Lifecycle life = flow.life();
    String hypervisor = request.hypervisorOrDefault();
    String childId = VolumeFromSnapshotWorkflow.workflowId(request.newVolumeId());
    RbdRef volume = RbdRef.volume(request.newVolumeId());
    Compensations undo = flow.undo();
    return flow.saga(
        () -> {
          flow.claim(
              "server", request.serverId(), request, ResourceTags.volume(request.newVolumeId()));
          life.requireUnclaimed("volume", request.newVolumeId());
          if (life.recorded()) requireSnapshot(request);
          flow.at("volume-from-snapshot");
          VolumeFromSnapshotRequest childRequest =
              new VolumeFromSnapshotRequest(
                  request.newVolumeId(),
                  request.sourceVolumeId(),
                  request.snapshotId(),
                  request.sizeGb() * GiB,
                  null,
                  0);
          VolumeResult created =
              life.recorded()
                  ? createVolume(life, childId, childRequest, request.serverId(), undo)
                  : createVolumeUnrecorded(childId, childRequest, volume, undo);
          RbdRef bootDisk = new RbdRef(created.pool(), created.image());
          String state =
              DomainSteps.reported(
                  DomainSteps.boot(
                      DomainSteps.on(hypervisor),
                      undo,
                      request.serverId(),
                      request.vcpus(),
                      request.memoryMiB(),
                      List.of(bootDisk),
                      Map.of(
                          "volume-id",
                          request.newVolumeId(),
                          "workflow-id",
                          Workflow.getInfo().getWorkflowId()),
                      flow::at));
          life.created("server", request.serverId(), null);
          return new ServerResult(
              request.serverId(),
              hypervisor,
              "instance-" + request.serverId(),
              bootDisk.toString(),
              state,
              request.newVolumeId());
        },
        e -> typedChildFailure(e, childId));
  }

  /** A missing source snapshot is refused before the child starts (the child checks it again). */
  private void requireSnapshot(BootFromVolumeSnapshotRequest request) {
    flow.at("inspect-snapshot");
    SnapRef snap = SnapRef.volumeSnapshot(request.sourceVolumeId(), request.snapshotId());
    boolean exists =
        storage.listSnapshots(snap.image()).stream()
            .anyMatch(s -> s.name().equals(snap.snapshot()));
    if (!exists) {
      throw ApplicationFailure.newNonRetryableFailure(
          "snapshot " + snap + " does not exist", Failures.NOT_FOUND);
    }
  }

  /** The child with explicit id rules; undone, after it succeeded, as the child's own operation. */
  private VolumeResult createVolume(
      Lifecycle life,
      String childId,
      VolumeFromSnapshotRequest childRequest,
      String serverId,
      Compensations undo) {
    VolumeFromSnapshotWorkflow child =
        Workflow.newChildWorkflowStub(
            VolumeFromSnapshotWorkflow.class,
            ChildWorkflowOptions.newBuilder()
                .setWorkflowId(childId)
                .setWorkflowIdReusePolicy(
                    WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE)
                .build());
    Promise<VolumeResult> result = Async.function(child::create, childRequest);
    String childOperation = childId + "@" + Workflow.getWorkflowExecution(child).get().getRunId();
    String volumeId = childRequest.volumeId();
    RbdRef volume = RbdRef.volume(volumeId);
    Functions.Proc removeChildVolume =
        () -> {
          storage.removeImage(volume, childOperation);
          life.release("volume", volumeId, childOperation, true);
        };
    VolumeResult created = result.get();
    // a cancel that came as the child completed: the child's volume exists and must be undone too
    // (undo.add throws on a pending cancel before it registers; the volume stayed, alive and
    // recorded). Versioned where it changes what runs: only on that cancel.
    if (io.temporal.workflow.CancellationScope.current().isCancelRequested()
        && Workflow.getVersion("child-volume-undo-on-cancel", Workflow.DEFAULT_VERSION, 1) == 1) {
      undo.addThenThrowIfCanceled("remove volume " + volume, removeChildVolume);
    }
    undo.add("remove volume " + volume, removeChildVolume);
    life.attach("volume", volumeId, ResourceTags.server(serverId), true, undo);
    return created;
  }

  /** Histories from before resource records: the child as it was started then. */
  private VolumeResult createVolumeUnrecorded(
      String childId, VolumeFromSnapshotRequest childRequest, RbdRef volume, Compensations undo) {
    VolumeFromSnapshotWorkflow child =
        Workflow.newChildWorkflowStub(
            VolumeFromSnapshotWorkflow.class,
            ChildWorkflowOptions.newBuilder().setWorkflowId(childId).build());
    undo.add("remove volume " + volume, () -> storage.removeImage(volume, childId));
    return child.create(childRequest);
  }

  /**
   * A child that could not start (its id was used before) is a typed Conflict, not a bare
   * ChildWorkflowFailure.
   */
  private static TemporalFailure typedChildFailure(TemporalFailure e, String childId) {
    if (!(e instanceof ChildWorkflowFailure)
        || e.getCause() instanceof ApplicationFailure
        || e.getCause() instanceof CanceledFailure) {
      return e;
    }
    return ApplicationFailure.newNonRetryableFailureWithCause(
        "operation " + childId + " was started before: the new volume's id is taken",
        Failures.CONFLICT,
        e);
  }

  @Override
  public OperationProgress progress() {
    return flow.progress();
  }
}
