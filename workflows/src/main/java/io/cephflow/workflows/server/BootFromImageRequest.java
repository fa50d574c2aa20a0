package io.cephflow.workflows.server;

import io.cephflow.workflows.common.Ids;

/**
 * Boot {@code serverId} on {@code hypervisor} from {@code images/<imageId>@snap}.
 *
 * @param rootDiskGb 0 keeps the image's virtual size; larger grows the disk; smaller is refused
 * @param vcpus 0 for the hypervisor's default
 * @param memoryMiB 0 for the hypervisor's default
 * @param forbidSlowPath refuse a non-raw image instead of converting it (Nova's {@code
 *     never_download_image_if_on_rbd}): fails with PolicyViolation
 */
public record BootFromImageRequest(
    String serverId,
    String hypervisor,
    String imageId,
    int rootDiskGb,
    int vcpus,
    int memoryMiB,
    boolean forbidSlowPath) {
  public BootFromImageRequest validate() {
    ServerRequests.validate(serverId, hypervisor, vcpus, memoryMiB);
    Ids.require("imageId", imageId);
    if (rootDiskGb < 0 || rootDiskGb > 64 * 1024)
      throw new IllegalArgumentException("rootDiskGb must be 0..65536");
    return this;
  }

  public String hypervisorOrDefault() {
    return ServerRequests.hypervisor(hypervisor);
  }
}
