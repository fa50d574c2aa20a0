package io.cephflow.workflows.server;

import io.cephflow.workflows.common.Ids;

/** A new image {@code images/<imageId>} from the running disk of {@code serverId} on {@code hypervisor}. */
public record CreateImageFromServerRequest(String serverId, String hypervisor, String imageId, String name) {
  public CreateImageFromServerRequest validate() {
    ServerRequests.validate(serverId, hypervisor, 0, 0);
    Ids.require("imageId", imageId);
    if (name == null || name.isBlank() || name.length() > 255) {
      throw new IllegalArgumentException("name is required (1..255 characters)");
    }
    return this;
  }

  public String hypervisorOrDefault() {
    return ServerRequests.hypervisor(hypervisor);
  }
}
