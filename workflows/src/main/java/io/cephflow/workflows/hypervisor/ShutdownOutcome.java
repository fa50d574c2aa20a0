package io.cephflow.workflows.hypervisor;

/**
 * How {@link HypervisorActivities#shutdownDomain} (the libvirt port's shutdown) ended. Serialized
 * by name, as the strings recorded histories hold ({@code "DESTROYED"}).
 */
public enum ShutdownOutcome {
  /** Was not running: nothing done. */
  ALREADY_OFF,
  /** The guest powered off within the timeout. */
  GRACEFUL,
  /** The guest ignored the ACPI request and was destroyed. */
  DESTROYED
}
