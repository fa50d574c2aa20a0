package io.cephflow.workflows.hypervisor;

/**
 * The domain states cephflow distinguishes; libvirt's BLOCKED counts as running. Serialized by
 * name, as the strings recorded histories hold ({@code "RUNNING"}).
 */
public enum DomainState {
  RUNNING,
  PAUSED,
  SHUTTING_DOWN,
  SHUT_OFF,
  CRASHED,
  PM_SUSPENDED,
  NO_STATE;

  /** Has a qemu process: start is a no-op, redefining is refused. */
  public boolean active() {
    return this == RUNNING || this == PAUSED || this == SHUTTING_DOWN || this == PM_SUSPENDED;
  }
}
