package io.cephflow.workflows.server;

import io.cephflow.workflows.common.Ids;

/**
 * Boot {@code serverId} on {@code hypervisor} from the existing {@code volumes/volume-<volumeId>}.
 */
public record BootFromVolumeRequest(
    String serverId, String hypervisor, String volumeId, int vcpus, int memoryMiB) {
  public BootFromVolumeRequest validate() {
    ServerRequests.validate(serverId, hypervisor, vcpus, memoryMiB);
    Ids.require("volumeId", volumeId);
    return this;
  }

  public String hypervisorOrDefault() {
    return ServerRequests.hypervisor(hypervisor);
  }
}
