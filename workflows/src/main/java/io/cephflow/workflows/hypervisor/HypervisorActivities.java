package io.cephflow.workflows.hypervisor;

import io.cephflow.workflows.common.SnapRef;
import io.temporal.activity.ActivityInterface;

/**
 * libvirt operations as activities. They run on the hypervisor's own task queue ({@code
 * TaskQueues.host(name)}): the worker there talks to its local libvirtd. Each is idempotent: a
 * retry finds what the last attempt left and finishes it, and the undos (destroy, undefine, resume)
 * treat a missing domain as done.
 */
@ActivityInterface
public interface HypervisorActivities {
  /** Ensures the libvirt secret holding the worker's cephx key; returns its UUID. */
  String ensureSecret();

  /** Defines (or finds, or redefines while shut off) the domain; says which it did. */
  DefineOutcome defineDomain(ServerDomain domain);

  /** Boots the defined domain; false when it was already running. */
  boolean startDomain(String serverId);

  /** Waits (heartbeating) until the domain runs; a domain that stops instead fails for good. */
  DomainState waitRunning(String serverId);

  /** Pauses the vCPUs; false when there was nothing to pause (already paused, or shut off). */
  boolean suspendDomain(String serverId);

  /** Resumes a paused domain; false when it was not paused (running, shut off or gone). */
  boolean resumeDomain(String serverId);

  /**
   * Pause, snapshot of the domain's disk, resume, as one step on the server's host: the guest is
   * paused only for the snapshot itself, not for the round trips of three steps through the
   * Temporal server. The resume runs whatever happened before it (a failed snapshot's failure is
   * the one thrown); an existing snapshot of that name is success, so a retry finishes what a lost
   * attempt began. False when there was nothing to pause (shut off).
   */
  boolean snapshotWhilePaused(String serverId, SnapRef snapshot);

  /** ACPI power-off, then destroy after {@code timeoutSeconds}; says how it ended. */
  ShutdownOutcome shutdownDomain(String serverId, long timeoutSeconds);

  /** Hard stop; false when it was not running or is not defined. */
  boolean destroyDomain(String serverId);

  /** Removes the definition; false when it was not defined. */
  boolean undefineDomain(String serverId);

  /** The domain's state; null when it is not defined. */
  DomainState domainState(String serverId);
}
