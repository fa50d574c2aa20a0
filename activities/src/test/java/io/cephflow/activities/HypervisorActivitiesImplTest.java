package io.cephflow.activities;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.cephflow.libvirt.CephKey;
import io.cephflow.libvirt.CephMonitor;
import io.cephflow.libvirt.DomainConflictException;
import io.cephflow.libvirt.DomainName;
import io.cephflow.libvirt.DomainSpec;
import io.cephflow.libvirt.DomainType;
import io.cephflow.libvirt.Hypervisor;
import io.cephflow.libvirt.HypervisorUnreachableException;
import io.cephflow.libvirt.RbdDisk;
import io.cephflow.workflows.common.Failures;
import io.cephflow.workflows.common.RbdRef;
import io.cephflow.workflows.common.SnapRef;
import io.cephflow.workflows.hypervisor.DefineOutcome;
import io.cephflow.workflows.hypervisor.DomainState;
import io.cephflow.workflows.hypervisor.HypervisorActivities;
import io.cephflow.workflows.hypervisor.ServerDomain;
import io.cephflow.workflows.hypervisor.ShutdownOutcome;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The activity shell over a fake hypervisor: spec conversion, idempotent undos, error types. */
class HypervisorActivitiesImplTest {
  static final String SERVER = "5d0c2c1e-0e55-4b8f-9a3c-1f7a1c1f0a01";
  static final String SECRET = "7f1c3a52-7a55-4c8e-9d55-3c1c4f0d1e22";
  static final CephKey KEY =
      new CephKey("cephflow", Base64.getEncoder().encodeToString(new byte[16]));
  static final List<CephMonitor> MONS = List.of(new CephMonitor("127.0.0.1", 3300));

  @TempDir Path dir;
  final FakeHypervisor fake = new FakeHypervisor();

  /** The disk snapshots asked for, into the fake's calls; throws {@link #snapshotFailure}. */
  RuntimeException snapshotFailure;

  final java.util.function.Consumer<SnapRef> snapshots =
      s -> {
        fake.calls.add(
            "snapshot " + s + (fake.state.orElse(null) == DomainState.PAUSED ? " (paused)" : ""));
        if (snapshotFailure != null) throw snapshotFailure;
      };

  HypervisorActivitiesImpl activities() {
    return new HypervisorActivitiesImpl(
        fake,
        new HypervisorActivitiesImpl.HostSettings(
            DomainType.QEMU, 1, 64, dir.resolve("console"), MONS, KEY, Duration.ofSeconds(2)),
        snapshots);
  }

  @Test
  void theHostAddsTypeMonitorsUserConsoleAndDefaults() {
    activities()
        .defineDomain(
            new ServerDomain(
                SERVER, 0, 0, List.of(RbdRef.serverDisk(SERVER)), SECRET, Map.of("image-id", "x")));
    DomainSpec spec = fake.defined.get(0);
    assertThat(spec.type()).isEqualTo(DomainType.QEMU);
    assertThat(spec.vcpus()).isEqualTo(1);
    assertThat(spec.memoryMiB()).isEqualTo(64);
    assertThat(spec.disks())
        .containsExactly(
            new RbdDisk(
                "vms",
                SERVER + "_disk",
                MONS,
                new io.cephflow.libvirt.CephAuth("cephflow", SECRET)));
    assertThat(spec.consoleLog())
        .isEqualTo(dir.resolve("console").resolve("instance-" + SERVER + ".log"));
  }

  @Test
  void undefineRemovesTheConsoleLogAndARetryFindsBothGone() throws Exception {
    Path log = dir.resolve("console").resolve("instance-" + SERVER + ".log");
    java.nio.file.Files.createDirectories(log.getParent());
    java.nio.file.Files.writeString(log, "boot");
    activities().undefineDomain(SERVER);
    assertThat(log).doesNotExist();
    activities().undefineDomain(SERVER); // the retry after a kill
    assertThat(log).doesNotExist();
  }

  @Test
  void resumeOfAVmThatIsNotPausedIsANoOp() {
    fake.state = Optional.of(DomainState.RUNNING);
    assertThat(activities().resumeDomain(SERVER)).isFalse();
    fake.state = Optional.empty();
    assertThat(activities().resumeDomain(SERVER)).isFalse();
    fake.state = Optional.of(DomainState.PAUSED);
    assertThat(activities().resumeDomain(SERVER)).isTrue();
    assertThat(fake.calls).containsExactly("resume");
  }

  @Test
  void suspendOfAShutOffVmIsNotNeededAndOfAMissingOneIsNotFound() {
    fake.state = Optional.of(DomainState.SHUT_OFF);
    assertThat(activities().suspendDomain(SERVER)).isFalse();
    fake.state = Optional.empty();
    assertThat(type(catchThrowable(() -> activities().suspendDomain(SERVER))))
        .isEqualTo(Failures.NOT_FOUND);
  }

  static final SnapRef TEMP = new SnapRef(RbdRef.serverDisk(SERVER), "cephflow-image-x");

  /** The activities as a flow calls them: in an activity context (the step heartbeats). */
  TestActivityEnvironment env;

  HypervisorActivities stub() {
    env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(activities());
    return env.newActivityStub(
        HypervisorActivities.class,
        io.temporal.activity.ActivityOptions.newBuilder()
            .setStartToCloseTimeout(Duration.ofSeconds(10))
            .setRetryOptions(
                io.temporal.common.RetryOptions.newBuilder().setMaximumAttempts(1).build())
            .build());
  }

  @org.junit.jupiter.api.AfterEach
  void closeEnv() {
    if (env != null) env.close();
  }

  /** Paused, snapshotted while paused, resumed: running again. */
  void pausedForTheSnapshotOnly() {
    assertThat(fake.calls).containsExactly("suspend", "snapshot " + TEMP + " (paused)", "resume");
    assertThat(fake.state).contains(DomainState.RUNNING);
  }

  @Test
  void theSnapshotIsTakenWhileTheGuestIsPausedAndItRunsAgainAfter() {
    fake.state = Optional.of(DomainState.RUNNING);
    assertThat(stub().snapshotWhilePaused(SERVER, TEMP)).isTrue();
    pausedForTheSnapshotOnly();
  }

  @Test
  void aFailedSnapshotStillResumesTheGuestAndIsTheFailureTold() {
    fake.state = Optional.of(DomainState.RUNNING);
    snapshotFailure = ApplicationFailure.newNonRetryableFailure("full", Failures.NO_SPACE);
    assertThat(type(catchThrowable(() -> stub().snapshotWhilePaused(SERVER, TEMP))))
        .isEqualTo(Failures.NO_SPACE);
    pausedForTheSnapshotOnly();
  }

  @Test
  void aResumeThatFailsAfterAFailedSnapshotLeavesTheSnapshotsFailureTold() {
    fake.state = Optional.of(DomainState.RUNNING);
    snapshotFailure = ApplicationFailure.newNonRetryableFailure("full", Failures.NO_SPACE);
    fake.failResume = new HypervisorUnreachableException("libvirtd went away", null);
    HypervisorActivities stub = stub();
    assertThat(type(catchThrowable(() -> stub.snapshotWhilePaused(SERVER, TEMP))))
        .isEqualTo(Failures.NO_SPACE);
    // without a snapshot failure the resume's own failure is the one thrown (the flow resumes)
    snapshotFailure = null;
    assertThat(type(catchThrowable(() -> stub.snapshotWhilePaused(SERVER, TEMP))))
        .isEqualTo(Failures.HYPERVISOR_UNREACHABLE);
  }

  @Test
  void aShutOffGuestIsSnapshottedWithoutAPause() {
    fake.state = Optional.of(DomainState.SHUT_OFF);
    assertThat(stub().snapshotWhilePaused(SERVER, TEMP)).isFalse();
    assertThat(fake.calls).containsExactly("snapshot " + TEMP);
  }

  @Test
  void portFailuresAreTypedRetryableOrNot() {
    fake.failure = new DomainConflictException("running");
    ApplicationFailure conflict =
        (ApplicationFailure) catchThrowable(() -> activities().startDomain(SERVER));
    assertThat(conflict.getType()).isEqualTo(Failures.CONFLICT);
    assertThat(conflict.isNonRetryable()).isTrue();
    fake.failure = new HypervisorUnreachableException("down", null);
    ApplicationFailure down =
        (ApplicationFailure) catchThrowable(() -> activities().startDomain(SERVER));
    assertThat(down.isNonRetryable()).isFalse();
    assertThat(type(catchThrowable(() -> activities().startDomain("not-a-uuid"))))
        .isEqualTo(Failures.INVALID_REQUEST);
  }

  @Test
  void waitRunningFailsForGoodWhenTheGuestStops() {
    HypervisorActivities stub = stub();
    fake.state = Optional.of(DomainState.RUNNING);
    assertThat(stub.waitRunning(SERVER)).isEqualTo(DomainState.RUNNING);
    fake.state = Optional.of(DomainState.CRASHED);
    assertThat(type(catchThrowable(() -> stub.waitRunning(SERVER)))).isEqualTo(Failures.HYPERVISOR);
  }

  static String type(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof ApplicationFailure a) return a.getType();
    }
    return String.valueOf(t);
  }

  /** Records what was asked; answers from {@link #state}; throws {@link #failure} when set. */
  static final class FakeHypervisor implements Hypervisor {
    final List<DomainSpec> defined = new ArrayList<>();
    final List<String> calls = new ArrayList<>();
    Optional<DomainState> state = Optional.empty();
    RuntimeException failure;
    RuntimeException failResume;

    private void check() {
      if (failure != null) throw failure;
    }

    @Override
    public String ensureCephSecret(CephKey key) {
      check();
      return SECRET;
    }

    @Override
    public boolean removeCephSecret(CephKey key) {
      return false;
    }

    @Override
    public List<io.cephflow.libvirt.DomainSummary> cephflowDomains() {
      return List.of();
    }

    @Override
    public DefineOutcome define(DomainSpec spec) {
      check();
      defined.add(spec);
      return DefineOutcome.CREATED;
    }

    @Override
    public boolean start(DomainName name) {
      check();
      calls.add("start");
      return true;
    }

    @Override
    public boolean suspend(DomainName name) {
      check();
      calls.add("suspend");
      state = Optional.of(DomainState.PAUSED);
      return true;
    }

    @Override
    public boolean resume(DomainName name) {
      check();
      if (failResume != null) throw failResume;
      calls.add("resume");
      state = Optional.of(DomainState.RUNNING);
      return true;
    }

    @Override
    public ShutdownOutcome shutdown(DomainName name, Duration timeout) {
      return ShutdownOutcome.ALREADY_OFF;
    }

    @Override
    public boolean destroy(DomainName name) {
      return false;
    }

    @Override
    public boolean undefine(DomainName name) {
      return false;
    }

    @Override
    public Optional<DomainState> state(DomainName name) {
      check();
      return state;
    }

    @Override
    public List<RbdDisk> disks(DomainName name) {
      return List.of();
    }
  }
}
