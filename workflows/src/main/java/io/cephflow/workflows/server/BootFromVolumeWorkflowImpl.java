package io.cephflow.workflows.server;

import io.cephflow.workflows.common.Compensations;
import io.cephflow.workflows.common.Failures;
import io.cephflow.workflows.common.Lifecycle;
import io.cephflow.workflows.common.OperationProgress;
import io.cephflow.workflows.common.RbdRef;
import io.cephflow.workflows.common.ResourceTags;
import io.cephflow.workflows.storage.StorageActivities;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Workflow;
import java.util.List;
import java.util.Map;

/** See {@link BootFromVolumeWorkflow}. The volume is the caller's: no undo ever touches it. */
public class BootFromVolumeWorkflowImpl implements BootFromVolumeWorkflow {
  private final StorageActivities storage = Workflow.newActivityStub(StorageActivities.class);
  private OperationProgress progress = OperationProgress.at("validate");

  @Override
  public ServerResult boot(BootFromVolumeRequest request) {
    Failures.validated(request::validate);
    ResourceTags.tag(ResourceTags.server(request.serverId()), ResourceTags.volume(request.volumeId()));
    String hypervisor = request.hypervisorOrDefault();
    Lifecycle life = Lifecycle.begin();
    String server = ResourceTags.server(request.serverId());
    Compensations undo = new Compensations();
    try {
      progress = OperationProgress.at("claim");
      life.create("server", request.serverId(), request, ResourceTags.volume(request.volumeId()), undo);
      progress = OperationProgress.at("check-volume");
      RbdRef volume = requireVolume(storage, request.volumeId());
      // a volume is the disk of one server at a time: refused at once, naming the other
      life.attach("volume", request.volumeId(), server, true, undo);
      String state = DomainSteps.boot(DomainSteps.on(hypervisor), undo, request.serverId(), request.vcpus(),
          request.memoryMiB(), List.of(volume),
          Map.of("volume-id", request.volumeId(), "workflow-id", Workflow.getInfo().getWorkflowId()),
          s -> progress = OperationProgress.at(s));
      life.created("server", request.serverId(), null);
      Compensations.throwIfCanceled();
      progress = OperationProgress.at("done");
      return new ServerResult(request.serverId(), hypervisor, "instance-" + request.serverId(), volume.toString(),
          state, request.volumeId());
    } catch (TemporalFailure e) {
      throw undo.failWith(e, step -> progress = progress.ending(step));
    }
  }

  static RbdRef requireVolume(StorageActivities storage, String volumeId) {
    RbdRef volume = RbdRef.volume(volumeId);
    if (!storage.statImage(volume).exists()) {
      throw ApplicationFailure.newNonRetryableFailure("volume " + volumeId + " does not exist", Failures.NOT_FOUND);
    }
    return volume;
  }

  @Override
  public OperationProgress progress() {
    return progress;
  }
}
