package io.cephflow.workflows.server;

import io.cephflow.workflows.common.DisplayNames;
import io.cephflow.workflows.common.Ids;

/**
 * A new image {@code images/<imageId>} from the running disk of {@code serverId} on {@code
 * hypervisor}.
 */
public record CreateImageFromServerRequest(
    String serverId, String hypervisor, String imageId, String name) {
  public CreateImageFromServerRequest validate() {
    ServerRequests.validate(serverId, hypervisor, 0, 0);
    Ids.require("imageId", imageId);
    DisplayNames.require("name", name);
    return this;
  }

  public String hypervisorOrDefault() {
    return ServerRequests.hypervisor(hypervisor);
  }
}
