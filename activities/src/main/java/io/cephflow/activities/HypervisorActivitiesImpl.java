package io.cephflow.activities;

import io.cephflow.libvirt.CephAuth;
import io.cephflow.libvirt.CephKey;
import io.cephflow.libvirt.CephMonitor;
import io.cephflow.libvirt.DomainConflictException;
import io.cephflow.libvirt.DomainName;
import io.cephflow.libvirt.DomainNotFoundException;
import io.cephflow.libvirt.DomainSpec;
import io.cephflow.libvirt.DomainType;
import io.cephflow.libvirt.Hypervisor;
import io.cephflow.libvirt.HypervisorException;
import io.cephflow.libvirt.HypervisorUnreachableException;
import io.cephflow.libvirt.InvalidDomainSpecException;
import io.cephflow.libvirt.RbdDisk;
import io.cephflow.workflows.common.Failures;
import io.cephflow.workflows.common.SnapRef;
import io.cephflow.workflows.hypervisor.DefineOutcome;
import io.cephflow.workflows.hypervisor.DomainState;
import io.cephflow.workflows.hypervisor.HypervisorActivities;
import io.cephflow.workflows.hypervisor.ServerDomain;
import io.cephflow.workflows.hypervisor.ShutdownOutcome;
import io.temporal.activity.Activity;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * {@link HypervisorActivities} over the {@link Hypervisor} port, on the hypervisor's own worker:
 * that worker knows the domain type, the monitors, the cephx key and where consoles are logged; the
 * workflow decides the rest. Errors are mapped once, by type.
 */
public class HypervisorActivitiesImpl implements HypervisorActivities {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(HypervisorActivitiesImpl.class);
  private static final Duration POLL = Duration.ofMillis(200);

  private final Hypervisor hypervisor;
  private final HostSettings host;
  private final Consumer<SnapRef> snapshots;

  /**
   * What the hypervisor's worker adds to every domain.
   *
   * @param consoleDir each domain's serial console goes to {@code <consoleDir>/instance-<id>.log}
   * @param bootTimeout how long {@link #waitRunning} waits for a started domain to run
   */
  public record HostSettings(
      DomainType type,
      int vcpus,
      int memoryMiB,
      Path consoleDir,
      List<CephMonitor> monitors,
      CephKey key,
      Duration bootTimeout) {
    public HostSettings {
      monitors = List.copyOf(monitors);
      if (monitors.isEmpty())
        throw new IllegalArgumentException("at least one Ceph monitor is needed");
      consoleDir = consoleDir.toAbsolutePath().normalize();
    }
  }

  /**
   * @param snapshots makes a snapshot of a server's disk, failing as the storage steps do ({@code
   *     StorageActivitiesImpl#createSnapshot}): {@link #snapshotWhilePaused}'s middle part
   */
  public HypervisorActivitiesImpl(
      Hypervisor hypervisor, HostSettings host, Consumer<SnapRef> snapshots) {
    this.hypervisor = hypervisor;
    this.host = host;
    this.snapshots = snapshots;
  }

  @Override
  public String ensureSecret() {
    return call(() -> hypervisor.ensureCephSecret(host.key()));
  }

  @Override
  public DefineOutcome defineDomain(ServerDomain d) {
    return call(() -> hypervisor.define(spec(d)));
  }

  DomainSpec spec(ServerDomain d) {
    CephAuth auth = new CephAuth(host.key().user(), d.secretUuid());
    List<RbdDisk> disks =
        d.disks().stream()
            .map(r -> new RbdDisk(r.pool(), r.image(), host.monitors(), auth))
            .toList();
    try {
      Files.createDirectories(host.consoleDir());
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot create the console log directory " + host.consoleDir(), e);
    }
    return new DomainSpec(
        d.serverId(),
        host.type(),
        d.vcpus() > 0 ? d.vcpus() : host.vcpus(),
        d.memoryMiB() > 0 ? d.memoryMiB() : host.memoryMiB(),
        disks,
        consoleLog(d.serverId()),
        d.tags());
  }

  @Override
  public boolean startDomain(String serverId) {
    return call(() -> hypervisor.start(name(serverId)));
  }

  @Override
  public DomainState waitRunning(String serverId) {
    DomainName name = name(serverId);
    long deadline = System.nanoTime() + host.bootTimeout().toNanos();
    while (true) {
      Optional<DomainState> state = call(() -> hypervisor.state(name));
      if (state.isEmpty()) {
        throw ApplicationFailure.newNonRetryableFailure(
            name + " is not defined", Failures.NOT_FOUND);
      }
      if (state.get() == DomainState.RUNNING) return state.get();
      if (!state.get().active()) {
        // it stopped by itself (crash, qemu exit): waiting or retrying will not make it run
        throw ApplicationFailure.newNonRetryableFailure(
            name + " stopped while booting: " + state.get(), Failures.HYPERVISOR);
      }
      if (System.nanoTime() > deadline) {
        throw ApplicationFailure.newFailure(
            name + " is " + state.get() + ", not running, after " + host.bootTimeout(),
            Failures.HYPERVISOR);
      }
      Activity.getExecutionContext().heartbeat(state.get().name());
      sleep();
    }
  }

  @Override
  public boolean suspendDomain(String serverId) {
    DomainName name = name(serverId);
    return call(
        () -> {
          DomainState state =
              hypervisor
                  .state(name)
                  .orElseThrow(() -> new DomainNotFoundException(name + " is not defined", null));
          // a shut-off VM needs no pause for a consistent snapshot
          return state.active() && hypervisor.suspend(name);
        });
  }

  @Override
  public boolean resumeDomain(String serverId) {
    DomainName name = name(serverId);
    return call(
        () -> {
          // the resume of an undo or a finally: a VM that is not paused (or is gone) is done
          if (hypervisor.state(name).filter(s -> s == DomainState.PAUSED).isEmpty()) return false;
          try {
            return hypervisor.resume(name);
          } catch (DomainConflictException | DomainNotFoundException e) {
            return false; // stopped or undefined meanwhile
          }
        });
  }

  @Override
  public boolean snapshotWhilePaused(String serverId, SnapRef snapshot) {
    boolean paused = false;
    RuntimeException failed = null;
    try {
      // inside: a suspend that failed (or timed out in libvirt) may still have paused the guest
      paused = suspendDomain(serverId);
      snapshots.accept(snapshot);
      // the snapshot is durable: said (1 of 1) before the resume, so a retry after a lost
      // attempt is seen as one that had taken it (and the crash tests can stop a worker here,
      // with the guest paused). One call to Temporal, a few ms of the pause
      Activity.getExecutionContext().heartbeat(new long[] {1, 1});
    } catch (RuntimeException e) {
      failed = e;
      throw e;
    } finally {
      try {
        resumeDomain(serverId);
      } catch (RuntimeException e) {
        // the flow resumes again after a failed step: the snapshot's failure is the one to tell
        // (Temporal's failures keep no suppressed exceptions)
        if (failed == null) throw e;
        LOG.warn("resume of {} after a failed snapshot failed too: {}", serverId, e.toString());
      }
    }
    return paused;
  }

  @Override
  public ShutdownOutcome shutdownDomain(String serverId, long timeoutSeconds) {
    return call(() -> hypervisor.shutdown(name(serverId), Duration.ofSeconds(timeoutSeconds)));
  }

  @Override
  public boolean destroyDomain(String serverId) {
    return call(() -> hypervisor.destroy(name(serverId)));
  }

  /**
   * Undefines the domain, then removes its console log (the server's derived object on this host:
   * before, every deleted server left {@code instance-<id>.log}, an orphan to the auditor; found by
   * WorkerCrashIT's audit after the deletes). Idempotent: a retry after a kill finds both gone.
   */
  @Override
  public boolean undefineDomain(String serverId) {
    boolean undefined = call(() -> hypervisor.undefine(name(serverId)));
    Path log = consoleLog(serverId);
    try {
      Files.deleteIfExists(log);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove the console log " + log, e);
    }
    return undefined;
  }

  private Path consoleLog(String serverId) {
    return host.consoleDir().resolve("instance-" + name(serverId).serverId() + ".log");
  }

  @Override
  public DomainState domainState(String serverId) {
    return call(() -> hypervisor.state(name(serverId))).orElse(null);
  }

  private static DomainName name(String serverId) {
    return call(() -> DomainName.forServer(serverId));
  }

  static <T> T call(Supplier<T> op) {
    try {
      return op.get();
    } catch (HypervisorException e) {
      throw of(e);
    }
  }

  /** libvirt failures by type: bad specs, missing domains and state conflicts are final. */
  static ApplicationFailure of(HypervisorException e) {
    if (e instanceof InvalidDomainSpecException) {
      return ApplicationFailure.newNonRetryableFailure(e.getMessage(), Failures.INVALID_REQUEST);
    }
    if (e instanceof DomainNotFoundException) {
      return ApplicationFailure.newNonRetryableFailure(e.getMessage(), Failures.NOT_FOUND);
    }
    if (e instanceof DomainConflictException) {
      return ApplicationFailure.newNonRetryableFailure(e.getMessage(), Failures.CONFLICT);
    }
    if (e instanceof HypervisorUnreachableException) {
      return ApplicationFailure.newFailureWithCause(
          e.getMessage(), Failures.HYPERVISOR_UNREACHABLE, e);
    }
    // libvirt or qemu tried and failed (e.g. a monitor did not answer): worth a retry
    return ApplicationFailure.newFailureWithCause(e.getMessage(), Failures.HYPERVISOR, e);
  }

  private static void sleep() {
    try {
      Thread.sleep(POLL.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApplicationFailure.newFailure(
          "interrupted while waiting for the domain", Failures.HYPERVISOR);
    }
  }
}
