package io.cephflow.libvirt;

import java.util.List;

/**
 * What the leak auditor lists on a hypervisor (apart from {@link Hypervisor}: only it needs this).
 */
public interface HostInventory {
  /**
   * One defined domain: its name, whether it runs (has a qemu process) and whether its vCPUs are
   * paused.
   */
  record DomainEntry(String name, boolean active, boolean paused) {}

  /** Every defined domain, running or not, whoever defined it. */
  List<DomainEntry> domains();

  /** The usage names ({@code client.<user> secret}) of the secrets of usage type {@code ceph}. */
  List<String> cephSecrets();
}
