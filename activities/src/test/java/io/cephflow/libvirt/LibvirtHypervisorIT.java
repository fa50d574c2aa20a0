package io.cephflow.libvirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cephflow.workflows.hypervisor.DefineOutcome;
import io.cephflow.workflows.hypervisor.DomainState;
import io.cephflow.workflows.hypervisor.ShutdownOutcome;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.libvirt.Connect;
import org.libvirt.Secret;

/**
 * Real libvirtd, real qemu (TCG), real Ceph: a VM boots from an RBD network disk that the test put
 * in Ceph, with cephx auth through a libvirt secret, and prints a random tag read from its own
 * disk. Needs dev/ceph.sh and dev/libvirt.sh up.
 */
class LibvirtHypervisorIT {
  private static final String POOL = "vms";
  private static LibvirtTestEnv env;
  private static LibvirtHypervisor hypervisor;
  private static CephKey key;
  private static String secretUuid;
  private static String image;
  private static byte[] tag;
  private static String acpiImage;
  private static byte[] acpiTag;

  @BeforeAll
  static void setUp() throws Exception {
    env = new LibvirtTestEnv();
    Path qemuCephConf =
        CephClientConf.ensure(env.work.resolve("qemu-ceph.conf"), Duration.ofSeconds(5));
    hypervisor = new LibvirtHypervisor(env.uri, qemuCephConf);
    key = env.cephKey();
    secretUuid = hypervisor.ensureCephSecret(key);
    image = "lvtest-" + UUID.randomUUID();
    tag = LibvirtTestEnv.randomTag();
    env.rbdImport(env.bootDisk(image, tag, false), POOL, image);
    acpiImage = image + "-acpi";
    acpiTag = LibvirtTestEnv.randomTag();
    env.rbdImport(env.bootDisk(acpiImage, acpiTag, true), POOL, acpiImage);
  }

  @AfterAll
  static void tearDown() {
    if (env != null && image != null) {
      env.rbdRemoveQuietly(POOL, image);
      env.rbdRemoveQuietly(POOL, acpiImage);
    }
  }

  private static DomainSpec spec(String serverId, int memoryMiB, List<CephMonitor> monitors)
      throws IOException {
    return spec(serverId, memoryMiB, monitors, image);
  }

  private static DomainSpec spec(
      String serverId, int memoryMiB, List<CephMonitor> monitors, String image) throws IOException {
    RbdDisk disk = new RbdDisk(POOL, image, monitors, new CephAuth(key.user(), secretUuid));
    return new DomainSpec(
        serverId,
        DomainType.QEMU,
        1,
        memoryMiB,
        List.of(disk),
        env.work.resolve("console-" + serverId + ".log"),
        Map.of("image-id", image, "workflow-id", "server-boot-" + serverId));
  }

  private static void cleanup(DomainName name) {
    hypervisor.destroy(name);
    hypervisor.undefine(name);
  }

  @Test
  void bootsFromRbdDiskAndWalksTheLifecycleIdempotently() throws Exception {
    String serverId = UUID.randomUUID().toString();
    DomainSpec spec = spec(serverId, 32, env.monitors());
    DomainName name = spec.name();
    try {
      assertThat(hypervisor.state(name)).isEmpty();
      assertThat(hypervisor.define(spec)).isEqualTo(DefineOutcome.CREATED);
      assertThat(hypervisor.define(spec)).isEqualTo(DefineOutcome.UNCHANGED);
      assertThat(hypervisor.state(name)).contains(DomainState.SHUT_OFF);
      assertThat(hypervisor.disks(name)).containsExactlyElementsOf(spec.disks());

      long t0 = System.nanoTime();
      assertThat(hypervisor.start(name)).isTrue();
      long started = System.nanoTime();
      String line =
          awaitConsole(
              spec.consoleLog(), "BOOT-OK " + LibvirtTestEnv.hex(tag), Duration.ofSeconds(30));
      long booted = System.nanoTime();
      System.out.printf(
          "libvirt IT: start() %d ms, serial shows the tag %d ms after start() returned: %s%n",
          (started - t0) / 1_000_000, (booted - started) / 1_000_000, line.strip());
      assertThat(hypervisor.state(name)).contains(DomainState.RUNNING);
      assertThat(hypervisor.start(name)).isFalse();
      // the host's listing (its report to the fleet) shows it, running, with its size
      assertThat(hypervisor.cephflowDomains())
          .contains(new DomainSummary(name, DomainState.RUNNING, 32, 1));

      // same spec while running: no-op; another spec while running: typed conflict
      assertThat(hypervisor.define(spec)).isEqualTo(DefineOutcome.UNCHANGED);
      assertThatThrownBy(() -> hypervisor.define(spec(serverId, 48, env.monitors())))
          .isInstanceOf(DomainConflictException.class);

      assertThat(hypervisor.suspend(name)).isTrue();
      assertThat(hypervisor.state(name)).contains(DomainState.PAUSED);
      assertThat(hypervisor.suspend(name)).isFalse();
      assertThat(hypervisor.start(name)).isFalse(); // paused counts as started
      assertThat(hypervisor.resume(name)).isTrue();
      assertThat(hypervisor.state(name)).contains(DomainState.RUNNING);
      assertThat(hypervisor.resume(name)).isFalse();

      // the boot sector halts with interrupts off and ignores ACPI: shutdown must destroy
      long s0 = System.nanoTime();
      assertThat(hypervisor.shutdown(name, Duration.ofSeconds(2)))
          .isEqualTo(ShutdownOutcome.DESTROYED);
      System.out.printf(
          "libvirt IT: shutdown (2 s grace) then destroy took %d ms%n",
          (System.nanoTime() - s0) / 1_000_000);
      assertThat(hypervisor.state(name)).contains(DomainState.SHUT_OFF);
      assertThat(hypervisor.shutdown(name, Duration.ofSeconds(2)))
          .isEqualTo(ShutdownOutcome.ALREADY_OFF);
      assertThat(hypervisor.destroy(name)).isFalse();
      assertThatThrownBy(() -> hypervisor.suspend(name))
          .isInstanceOf(DomainConflictException.class);
      assertThatThrownBy(() -> hypervisor.resume(name)).isInstanceOf(DomainConflictException.class);

      // another spec while shut off: redefined, and read back as the new spec
      DomainSpec bigger = spec(serverId, 48, env.monitors());
      assertThat(hypervisor.define(bigger)).isEqualTo(DefineOutcome.REDEFINED);
      assertThat(hypervisor.define(bigger)).isEqualTo(DefineOutcome.UNCHANGED);

      // start again, then destroy directly; undefine refuses a running domain
      assertThat(hypervisor.start(name)).isTrue();
      assertThatThrownBy(() -> hypervisor.undefine(name))
          .isInstanceOf(DomainConflictException.class);
      long d0 = System.nanoTime();
      assertThat(hypervisor.destroy(name)).isTrue();
      System.out.printf("libvirt IT: destroy took %d ms%n", (System.nanoTime() - d0) / 1_000_000);
      assertThat(hypervisor.destroy(name)).isFalse();

      assertThat(hypervisor.cephflowDomains()).extracting(DomainSummary::name).contains(name);
      assertThat(hypervisor.undefine(name)).isTrue();
      assertThat(hypervisor.cephflowDomains()).extracting(DomainSummary::name).doesNotContain(name);
      assertThat(hypervisor.undefine(name)).isFalse();
      assertThat(hypervisor.state(name)).isEmpty();
      assertThatThrownBy(() -> hypervisor.start(name)).isInstanceOf(DomainNotFoundException.class);
      assertThat(hypervisor.destroy(name)).isFalse();
      assertThat(hypervisor.shutdown(name, Duration.ofSeconds(1)))
          .isEqualTo(ShutdownOutcome.ALREADY_OFF);
      assertThatThrownBy(() -> hypervisor.disks(name)).isInstanceOf(DomainNotFoundException.class);
    } finally {
      cleanup(name);
    }
  }

  @Test
  void shutdownIsGracefulWhenTheGuestHonoursAcpi() throws Exception {
    String serverId = UUID.randomUUID().toString();
    DomainSpec spec = spec(serverId, 32, env.monitors(), acpiImage);
    try {
      hypervisor.define(spec);
      hypervisor.start(spec.name());
      awaitConsole(spec.consoleLog(), "ACPI-WAIT", Duration.ofSeconds(30));
      assertThat(Files.readString(spec.consoleLog(), StandardCharsets.ISO_8859_1))
          .contains("BOOT-OK " + LibvirtTestEnv.hex(acpiTag));
      long t0 = System.nanoTime();
      assertThat(hypervisor.shutdown(spec.name(), Duration.ofSeconds(20)))
          .isEqualTo(ShutdownOutcome.GRACEFUL);
      System.out.printf(
          "libvirt IT: graceful ACPI shutdown took %d ms%n", (System.nanoTime() - t0) / 1_000_000);
      assertThat(hypervisor.state(spec.name())).contains(DomainState.SHUT_OFF);
    } finally {
      cleanup(spec.name());
    }
  }

  @Test
  void unreachableMonitorFailsStartFastWithATypedError() throws Exception {
    String serverId = UUID.randomUUID().toString();
    DomainSpec spec = spec(serverId, 32, List.of(new CephMonitor("127.0.0.1", 1)));
    try {
      assertThat(hypervisor.define(spec)).isEqualTo(DefineOutcome.CREATED);
      long t0 = System.nanoTime();
      Throwable failure =
          org.assertj.core.api.Assertions.catchThrowable(() -> hypervisor.start(spec.name()));
      long ms = (System.nanoTime() - t0) / 1_000_000;
      System.out.printf(
          "libvirt IT: start against a dead monitor failed after %d ms: %s%n", ms, failure);
      assertThat(failure)
          .isInstanceOf(HypervisorOperationException.class)
          .hasMessageContaining(spec.name().value());
      assertThat(ms).isLessThan(30_000);
      assertThat(hypervisor.state(spec.name())).contains(DomainState.SHUT_OFF);
    } finally {
      cleanup(spec.name());
    }
  }

  @Test
  void cephSecretIsIdempotentAndHoldsTheDecodedKey() throws Exception {
    // the real client's secret: same UUID every time, value = decoded key bytes
    assertThat(hypervisor.ensureCephSecret(key)).isEqualTo(secretUuid);
    assertThat(secretBytes(secretUuid)).isEqualTo(Base64.getDecoder().decode(key.base64Key()));

    // a throwaway user: a changed key keeps the UUID and replaces the value
    CephKey first =
        new CephKey(
            "lvtest-" + UUID.randomUUID(),
            Base64.getEncoder().encodeToString(LibvirtTestEnv.randomTag()));
    CephKey rotated =
        new CephKey(first.user(), Base64.getEncoder().encodeToString(LibvirtTestEnv.randomTag()));
    try {
      String uuid = hypervisor.ensureCephSecret(first);
      assertThat(uuid).isNotEqualTo(secretUuid);
      assertThat(hypervisor.ensureCephSecret(rotated)).isEqualTo(uuid);
      assertThat(secretBytes(uuid)).isEqualTo(Base64.getDecoder().decode(rotated.base64Key()));
    } finally {
      assertThat(hypervisor.removeCephSecret(first)).isTrue();
      assertThat(hypervisor.removeCephSecret(first)).isFalse();
    }
  }

  @Test
  void unreachableDaemonIsATypedError() {
    Path conf = env.work.resolve("qemu-ceph.conf");
    LibvirtHypervisor nowhere =
        new LibvirtHypervisor(
            "qemu+unix:///system?socket=" + env.work.resolve("no-such-libvirt-sock"), conf);
    assertThatThrownBy(() -> nowhere.state(DomainName.forServer(UUID.randomUUID().toString())))
        .isInstanceOf(HypervisorUnreachableException.class);
  }

  @Test
  void invalidNamesAreRefusedBeforeLibvirtSeesThem() {
    assertThatThrownBy(() -> DomainName.parse("instance-../../etc/passwd"))
        .isInstanceOf(InvalidDomainSpecException.class);
    assertThatThrownBy(() -> DomainName.forServer("x'/><evil/>"))
        .isInstanceOf(InvalidDomainSpecException.class);
    assertThatThrownBy(() -> hypervisor.start(DomainName.parse("some-other-vm")))
        .isInstanceOf(InvalidDomainSpecException.class);
    assertThatThrownBy(
            () ->
                new RbdDisk(
                    POOL,
                    "img/../x",
                    List.of(new CephMonitor("127.0.0.1", 6789)),
                    new CephAuth(key.user(), secretUuid)))
        .isInstanceOf(InvalidDomainSpecException.class);
  }

  /** Reads a secret's value straight through libvirt-java, bypassing the port. */
  private static byte[] secretBytes(String uuid) throws Exception {
    Connect c = LibvirtConnections.acquire(env.uri);
    Secret s = c.secretLookupByUUIDString(uuid);
    try {
      return s.getByteValue();
    } finally {
      s.free();
      LibvirtConnections.release(c);
    }
  }

  @Test
  void aConnectionInvalidatedWhileHeldStaysOpenUntilItsLastHolderReleasesIt() throws Exception {
    Connect held = LibvirtConnections.acquire(env.uri);
    Connect other = LibvirtConnections.acquire(env.uri);
    assertThat(other).isSameAs(held);
    LibvirtConnections.invalidate(env.uri, held); // another thread saw an RPC failure
    Connect fresh = LibvirtConnections.acquire(env.uri);
    try {
      assertThat(fresh).as("the next caller gets a new connection").isNotSameAs(held);
      LibvirtConnections.release(other);
      // still held once: a call running on it must not read a freed client
      assertThat(held.getHostName()).isNotBlank();
      assertThat(LibvirtConnections.alive(held)).isTrue();
      LibvirtConnections.release(held);
      assertThat(LibvirtConnections.alive(held)).as("closed by its last holder").isFalse();
      assertThat(fresh.getHostName()).isNotBlank();
    } finally {
      LibvirtConnections.release(fresh);
    }
  }

  private static String awaitConsole(Path log, String expected, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    String content = "";
    while (System.nanoTime() < deadline) {
      if (Files.exists(log)) {
        content = Files.readString(log, StandardCharsets.ISO_8859_1);
        int i = content.indexOf(expected);
        if (i >= 0) {
          int end = content.indexOf('\n', i);
          return content.substring(i, end < 0 ? content.length() : end);
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError(
        "serial console "
            + log
            + " never showed '"
            + expected
            + "' within "
            + timeout
            + "; it shows: "
            + content);
  }
}
