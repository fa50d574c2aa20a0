package io.cephflow.libvirt;

import io.cephflow.workflows.hypervisor.DefineOutcome;
import io.cephflow.workflows.hypervisor.DomainState;
import io.cephflow.workflows.hypervisor.ShutdownOutcome;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The hypervisor port: what cephflow's workflows need from libvirt, nothing more. Every operation
 * is idempotent so a retried activity finds what the last attempt left and finishes it. Failures
 * are {@link HypervisorException} subtypes only.
 */
public interface Hypervisor {

  /**
   * Ensures a libvirt secret of usage {@code ceph} holding {@code key}; returns its UUID (the same
   * UUID every time for the same user).
   */
  String ensureCephSecret(CephKey key);

  /** Removes the user's secret; returns false when there was none. */
  boolean removeCephSecret(CephKey key);

  /**
   * Defines the domain persistently. Same spec → {@link DefineOutcome#UNCHANGED}; another spec →
   * redefined if not running, else {@link DomainConflictException}.
   */
  DefineOutcome define(DomainSpec spec);

  /** Boots a defined domain; returns false if it already had a qemu process. */
  boolean start(DomainName name);

  /** Pauses the vCPUs; false if already paused; conflict if not running. */
  boolean suspend(DomainName name);

  /** Resumes a paused domain; false if already running; conflict if not running. */
  boolean resume(DomainName name);

  /**
   * ACPI power-off, waiting up to {@code timeout}, then destroy. Not running or not defined →
   * {@link ShutdownOutcome#ALREADY_OFF}.
   */
  ShutdownOutcome shutdown(DomainName name, Duration timeout);

  /** Hard stop (kills qemu); false when it was not running or is not defined. */
  boolean destroy(DomainName name);

  /** Removes the definition; false when it did not exist; conflict while it runs. */
  boolean undefine(DomainName name);

  /** Empty when the domain is not defined. */
  Optional<DomainState> state(DomainName name);

  /** The RBD network disks of a defined domain, vda first. */
  List<RbdDisk> disks(DomainName name);

  /**
   * cephflow's domains on this host ({@code instance-<uuid>}), running or defined; others are
   * skipped.
   */
  List<DomainSummary> cephflowDomains();
}
