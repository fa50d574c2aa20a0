package io.cephflow.workflows.testing;

import io.cephflow.workflows.common.Failures;
import io.cephflow.workflows.common.RbdRef;
import io.cephflow.workflows.hypervisor.DefineOutcome;
import io.cephflow.workflows.hypervisor.DomainState;
import io.cephflow.workflows.hypervisor.HypervisorActivities;
import io.cephflow.workflows.hypervisor.ServerDomain;
import io.cephflow.workflows.hypervisor.ShutdownOutcome;
import io.temporal.failure.ApplicationFailure;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** libvirt in memory, for workflow-logic tests only: domains, their disks and whether they run. */
public final class FakeHypervisor implements HypervisorActivities {
  public record Domain(List<RbdRef> disks, boolean running) {}

  public final Map<String, Domain> domains = new HashMap<>();

  @Override
  public String ensureSecret() {
    return "7f1c3a52-7a55-4c8e-9d55-3c1c4f0d1e22";
  }

  @Override
  public synchronized DefineOutcome defineDomain(ServerDomain domain) {
    Domain d = domains.get(domain.serverId());
    if (d == null) {
      domains.put(domain.serverId(), new Domain(domain.disks(), false));
      return DefineOutcome.CREATED;
    }
    if (d.disks().equals(domain.disks())) return DefineOutcome.UNCHANGED;
    throw ApplicationFailure.newNonRetryableFailure(
        "instance-" + domain.serverId() + " exists with other disks", Failures.HYPERVISOR);
  }

  @Override
  public synchronized boolean startDomain(String serverId) {
    Domain d = domains.get(serverId);
    if (d == null)
      throw ApplicationFailure.newNonRetryableFailure("no domain " + serverId, Failures.HYPERVISOR);
    domains.put(serverId, new Domain(d.disks(), true));
    return !d.running();
  }

  @Override
  public DomainState waitRunning(String serverId) {
    return DomainState.RUNNING;
  }

  @Override
  public boolean suspendDomain(String serverId) {
    return domains.containsKey(serverId);
  }

  @Override
  public boolean resumeDomain(String serverId) {
    return domains.containsKey(serverId);
  }

  /**
   * Where {@link #snapshotWhilePaused} makes its snapshot: set by the tests whose flows take one.
   */
  public io.cephflow.workflows.storage.StorageActivities storage;

  @Override
  public boolean snapshotWhilePaused(String serverId, io.cephflow.workflows.common.SnapRef snap) {
    if (storage == null) throw new AssertionError("this fake was given no storage to snapshot in");
    boolean paused = suspendDomain(serverId);
    storage.createSnapshot(snap);
    resumeDomain(serverId);
    return paused;
  }

  @Override
  public synchronized ShutdownOutcome shutdownDomain(String serverId, long timeoutSeconds) {
    Domain d = domains.get(serverId);
    if (d == null || !d.running()) return ShutdownOutcome.ALREADY_OFF;
    domains.put(serverId, new Domain(d.disks(), false));
    return ShutdownOutcome.GRACEFUL;
  }

  @Override
  public synchronized boolean destroyDomain(String serverId) {
    Domain d = domains.get(serverId);
    if (d == null || !d.running()) return false;
    domains.put(serverId, new Domain(d.disks(), false));
    return true;
  }

  @Override
  public synchronized boolean undefineDomain(String serverId) {
    return domains.remove(serverId) != null;
  }

  @Override
  public synchronized DomainState domainState(String serverId) {
    Domain d = domains.get(serverId);
    return d == null ? null : d.running() ? DomainState.RUNNING : DomainState.SHUT_OFF;
  }
}
