package io.cephflow.libvirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Everything below is refused before any libvirt call could be made. */
class DomainSpecValidationTest {
  private static final String SERVER = "6f1c1f8e-0c1e-4f7e-9d55-2b8f1f0c0a11";
  private static final String SECRET = "0b9f6f5a-7c39-4a3c-8f47-6f0f1a2b3c4d";
  private static final List<CephMonitor> MONS = List.of(new CephMonitor("127.0.0.1", 6789));
  private static final CephAuth AUTH = new CephAuth("cephflow", SECRET);

  private static DomainSpec spec(
      String serverId, List<RbdDisk> disks, Path log, Map<String, String> tags) {
    return new DomainSpec(serverId, DomainType.QEMU, 1, 32, disks, log, tags);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "web-1",
        "../etc",
        "6f1c1f8e-0c1e-4f7e-9d55-2b8f1f0c0a11'",
        "6f1c1f8e0c1e4f7e9d552b8f1f0c0a11"
      })
  void serverIdMustBeAUuid(String id) {
    assertThatThrownBy(() -> DomainName.forServer(id))
        .isInstanceOf(InvalidDomainSpecException.class);
  }

  @Test
  void domainNamesRoundTrip() {
    DomainName name = DomainName.forServer(SERVER.toUpperCase());
    assertThat(name.value()).isEqualTo("instance-" + SERVER);
    assertThat(DomainName.parse(name.value())).isEqualTo(name);
    assertThatThrownBy(() -> DomainName.parse("vm-" + SERVER))
        .isInstanceOf(InvalidDomainSpecException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "a/b", "a:b", "img@snap", ".hidden", "a b", "x\ny", "conf=/etc/x"})
  void poolAndImageNamesAreRbdSafe(String bad) {
    assertThatThrownBy(() -> new RbdDisk(bad, "img", MONS, AUTH))
        .isInstanceOf(InvalidDomainSpecException.class);
    assertThatThrownBy(() -> new RbdDisk("vms", bad, MONS, AUTH))
        .isInstanceOf(InvalidDomainSpecException.class);
  }

  @Test
  void disksNeedMonitorsAndAuth() {
    assertThatThrownBy(() -> new RbdDisk("vms", "img", List.of(), AUTH))
        .isInstanceOf(InvalidDomainSpecException.class);
    assertThatThrownBy(() -> new RbdDisk("vms", "img", MONS, null))
        .isInstanceOf(InvalidDomainSpecException.class);
    assertThatThrownBy(() -> new CephMonitor("127.0.0.1", 0))
        .isInstanceOf(InvalidDomainSpecException.class);
    assertThatThrownBy(() -> new CephMonitor("host name", 6789))
        .isInstanceOf(InvalidDomainSpecException.class);
    assertThatThrownBy(() -> new CephAuth("client.admin:x", SECRET))
        .isInstanceOf(InvalidDomainSpecException.class);
    assertThatThrownBy(() -> new CephAuth("cephflow", "not-a-uuid"))
        .isInstanceOf(InvalidDomainSpecException.class);
  }

  @Test
  void specBoundsAndPaths() {
    List<RbdDisk> disks = List.of(new RbdDisk("vms", "img", MONS, AUTH));
    Path log = Path.of("/tmp/console.log");
    assertThat(spec(SERVER, disks, log, null).tags()).isEmpty();
    assertThatThrownBy(() -> spec(SERVER, List.of(), log, Map.of()))
        .isInstanceOf(InvalidDomainSpecException.class);
    assertThatThrownBy(() -> spec(SERVER, disks, Path.of("console.log"), Map.of()))
        .isInstanceOf(InvalidDomainSpecException.class);
    assertThatThrownBy(() -> spec(SERVER, disks, Path.of("/tmp/../etc/x"), Map.of()))
        .isInstanceOf(InvalidDomainSpecException.class);
    assertThatThrownBy(() -> spec(SERVER, disks, Path.of("/tmp/a,b"), Map.of()))
        .isInstanceOf(InvalidDomainSpecException.class);
    assertThatThrownBy(() -> spec(SERVER, disks, log, Map.of("Bad Key", "v")))
        .isInstanceOf(InvalidDomainSpecException.class);
    assertThatThrownBy(() -> spec(SERVER, disks, log, Map.of("k", "two\nlines")))
        .isInstanceOf(InvalidDomainSpecException.class);
    assertThatThrownBy(() -> new DomainSpec(SERVER, DomainType.QEMU, 0, 32, disks, log, Map.of()))
        .isInstanceOf(InvalidDomainSpecException.class);
    assertThatThrownBy(() -> new DomainSpec(SERVER, DomainType.QEMU, 1, 8, disks, log, Map.of()))
        .isInstanceOf(InvalidDomainSpecException.class);
    assertThatThrownBy(() -> new DomainSpec(SERVER, null, 1, 32, disks, log, Map.of()))
        .isInstanceOf(InvalidDomainSpecException.class);
  }

  @Test
  void cephKeyIsDecodedAndNeverPrinted() {
    String b64 = Base64.getEncoder().encodeToString(new byte[] {1, 2, 3, 4});
    CephKey key = new CephKey("cephflow", b64);
    assertThat(key.bytes()).containsExactly(1, 2, 3, 4);
    assertThat(key.usageName()).isEqualTo("client.cephflow secret");
    assertThat(key.toString()).doesNotContain(b64);
    assertThatThrownBy(() -> new CephKey("cephflow", "not base64!"))
        .isInstanceOf(InvalidDomainSpecException.class);
  }

  @Test
  void settings() {
    assertThat(
            new LibvirtSettings("qemu:///system", Path.of("/etc/cephflow/qemu-ceph.conf"), null)
                .cephMountTimeout())
        .isEqualTo(LibvirtSettings.DEFAULT_CEPH_MOUNT_TIMEOUT);
    assertThatThrownBy(() -> new LibvirtSettings("xen:///", Path.of("/x"), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void cephClientConfHasTheMountTimeout() {
    assertThat(CephClientConf.content(Duration.ofSeconds(7))).contains("client_mount_timeout = 7");
  }
}
