package io.cephflow.workflows.server;

/**
 * @param shutdownTimeoutSeconds how long the guest gets to power off on ACPI; 0 means the default
 *     (30 s)
 */
public record DeleteServerRequest(String serverId, String hypervisor, int shutdownTimeoutSeconds) {
  static final int DEFAULT_SHUTDOWN_TIMEOUT_SECONDS = 30;

  public DeleteServerRequest validate() {
    ServerRequests.validate(serverId, hypervisor, 0, 0);
    if (shutdownTimeoutSeconds < 0 || shutdownTimeoutSeconds > 3600) {
      throw new IllegalArgumentException("shutdownTimeoutSeconds must be 0..3600");
    }
    return this;
  }

  public String hypervisorOrDefault() {
    return ServerRequests.hypervisor(hypervisor);
  }

  public int shutdownTimeoutOrDefault() {
    return shutdownTimeoutSeconds == 0 ? DEFAULT_SHUTDOWN_TIMEOUT_SECONDS : shutdownTimeoutSeconds;
  }
}
