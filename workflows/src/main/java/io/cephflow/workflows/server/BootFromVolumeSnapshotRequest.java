package io.cephflow.workflows.server;

import io.cephflow.workflows.common.Ids;

/**
 * Boot {@code serverId} from a new volume {@code volumes/volume-<newVolumeId>} made from {@code
 * volumes/volume-<sourceVolumeId>@snapshot-<snapshotId>}.
 *
 * @param sizeGb 0 keeps the snapshot's size
 */
public record BootFromVolumeSnapshotRequest(
    String serverId,
    String hypervisor,
    String sourceVolumeId,
    String snapshotId,
    String newVolumeId,
    int sizeGb,
    int vcpus,
    int memoryMiB) {
  public BootFromVolumeSnapshotRequest validate() {
    ServerRequests.validate(serverId, hypervisor, vcpus, memoryMiB);
    Ids.require("volumeId", sourceVolumeId);
    Ids.require("snapshotId", snapshotId);
    Ids.require("newVolumeId", newVolumeId);
    if (sizeGb < 0 || sizeGb > 64 * 1024)
      throw new IllegalArgumentException("sizeGb must be 0..65536");
    return this;
  }

  public String hypervisorOrDefault() {
    return ServerRequests.hypervisor(hypervisor);
  }
}
