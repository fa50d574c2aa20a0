package io.cephflow.libvirt;

/** How {@link Hypervisor#shutdown} ended. */
public enum ShutdownOutcome {
  /** Was not running: nothing done. */
  ALREADY_OFF,
  /** The guest powered off within the timeout. */
  GRACEFUL,
  /** The guest ignored the ACPI request and was destroyed. */
  DESTROYED
}
