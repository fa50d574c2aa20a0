package io.cephflow.workflows.server;

import io.cephflow.workflows.common.Compensations;
import io.cephflow.workflows.common.Failures;
import io.cephflow.workflows.common.Flow;
import io.cephflow.workflows.common.Lifecycle;
import io.cephflow.workflows.common.OperationProgress;
import io.cephflow.workflows.common.RbdRef;
import io.cephflow.workflows.common.ResourceTags;
import io.cephflow.workflows.common.Steps;
import io.cephflow.workflows.storage.StorageActivities;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.util.List;
import java.util.Map;

/** See {@link BootFromVolumeWorkflow}. The volume is the caller's: no undo ever touches it. */
public class BootFromVolumeWorkflowImpl implements BootFromVolumeWorkflow {
  private final StorageActivities storage = Steps.storage();
  private final Flow flow = new Flow();

  @Override
  public ServerResult boot(BootFromVolumeRequest request) {
    flow.admit(
        request::validate,
        ResourceTags.server(request.serverId()),
        ResourceTags.volume(request.volumeId()));
    String hypervisor = request.hypervisorOrDefault();
    Lifecycle life = flow.life();
    String server = ResourceTags.server(request.serverId());
    Compensations undo = flow.undo();
    return flow.saga(
        () -> {
          flow.claim(
              "server", request.serverId(), request, ResourceTags.volume(request.volumeId()));
          flow.at("check-volume");
          RbdRef volume = requireVolume(storage, request.volumeId());
          // a volume is the disk of one server at a time: refused at once, naming the other
          life.attach("volume", request.volumeId(), server, true, undo);
          String state =
              DomainSteps.reported(
                  DomainSteps.boot(
                      DomainSteps.on(hypervisor),
                      undo,
                      request.serverId(),
                      request.vcpus(),
                      request.memoryMiB(),
                      List.of(volume),
                      Map.of(
                          "volume-id",
                          request.volumeId(),
                          "workflow-id",
                          Workflow.getInfo().getWorkflowId()),
                      flow::at));
          life.created("server", request.serverId(), null);
          return new ServerResult(
              request.serverId(),
              hypervisor,
              "instance-" + request.serverId(),
              volume.toString(),
              state,
              request.volumeId());
        });
  }

  static RbdRef requireVolume(StorageActivities storage, String volumeId) {
    RbdRef volume = RbdRef.volume(volumeId);
    if (!storage.statImage(volume).exists()) {
      throw ApplicationFailure.newNonRetryableFailure(
          "volume " + volumeId + " does not exist", Failures.NOT_FOUND);
    }
    return volume;
  }

  @Override
  public OperationProgress progress() {
    return flow.progress();
  }
}
