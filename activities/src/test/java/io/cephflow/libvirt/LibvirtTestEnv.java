package io.cephflow.libvirt;

import io.cephflow.fixture.Commands;
import io.cephflow.fixture.TestBackends;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the libvirt ITs need from the environment: the dev libvirtd (dev/libvirt.sh) and the tests'
 * Ceph ({@link TestBackends}). Missing variables fail the test with the command that sets them: a
 * skipped IT would hide a broken setup.
 */
final class LibvirtTestEnv {
  final String uri = require("CEPHFLOW_LIBVIRT_URI", "eval \"$(dev/libvirt.sh env)\"");
  final Path cephConf = TestBackends.get().ceph().conf();
  final String cephUser = TestBackends.get().ceph().client();
  final Path keyring = TestBackends.get().ceph().keyring();
  final Path work;

  LibvirtTestEnv() throws IOException {
    // under target/, not /tmp: qemu (root, the daemon's namespace) writes console logs here
    work = Path.of("target", "libvirt-it").toAbsolutePath();
    Files.createDirectories(work);
  }

  private static String require(String name, String how) {
    String v = System.getenv(name);
    if (v == null || v.isBlank()) {
      throw new IllegalStateException(name + " is not set; start the dev services and run: " + how);
    }
    return v;
  }

  /** The cephx key from the keyring file ({@code key = AQ…==}). */
  CephKey cephKey() throws IOException {
    Matcher m =
        Pattern.compile("(?m)^\\s*key\\s*=\\s*(\\S+)\\s*$")
            .matcher(Files.readString(keyring, StandardCharsets.UTF_8));
    if (!m.find()) {
      throw new IllegalStateException("no key in " + keyring);
    }
    return new CephKey(cephUser, m.group(1));
  }

  /** Every monitor address in the cluster's mon_host (both v2 and v1 ports). */
  List<CephMonitor> monitors() throws IOException {
    String conf = Files.readString(cephConf, StandardCharsets.UTF_8);
    Matcher line = Pattern.compile("(?m)^\\s*mon[_ ]host\\s*=\\s*(.+)$").matcher(conf);
    if (!line.find()) {
      throw new IllegalStateException("no mon_host in " + cephConf);
    }
    List<CephMonitor> result = new ArrayList<>();
    Matcher addr = Pattern.compile("(?:v[12]:)?([0-9.]+):(\\d+)").matcher(line.group(1));
    while (addr.find()) {
      result.add(new CephMonitor(addr.group(1), Integer.parseInt(addr.group(2))));
    }
    return result;
  }

  /**
   * A 1 MiB raw disk: sector 0 is the boot sector assembled by nasm from boot-sector.asm, sector 1
   * starts with {@code tag}, which the guest prints, then a flag: 'A' makes the guest power off on
   * the ACPI power button.
   */
  Path bootDisk(String name, byte[] tag, boolean honourAcpi)
      throws IOException, InterruptedException {
    Path asm = work.resolve("boot-sector.asm");
    try (InputStream in = getClass().getResourceAsStream("boot-sector.asm")) {
      Files.write(asm, in.readAllBytes());
    }
    Path bin = work.resolve(name + ".bin");
    run(Duration.ofSeconds(30), "nasm", "-f", "bin", "-o", bin.toString(), asm.toString());
    byte[] boot = Files.readAllBytes(bin);
    if (boot.length != 512 || (boot[510] & 0xff) != 0x55 || (boot[511] & 0xff) != 0xaa) {
      throw new IllegalStateException("nasm did not produce a 512-byte boot sector");
    }
    byte[] disk = new byte[1024 * 1024];
    System.arraycopy(boot, 0, disk, 0, 512);
    System.arraycopy(tag, 0, disk, 512, tag.length);
    disk[512 + 8] = (byte) (honourAcpi ? 'A' : 0);
    Path raw = work.resolve(name + ".raw");
    Files.write(raw, disk);
    return raw;
  }

  void rbdImport(Path file, String pool, String image) throws IOException, InterruptedException {
    run(Duration.ofSeconds(60), rbd("import", file.toString(), pool + "/" + image));
  }

  void rbdRemoveQuietly(String pool, String image) {
    try {
      run(Duration.ofSeconds(60), rbd("rm", "--no-progress", pool + "/" + image));
    } catch (Exception e) {
      // cleanup only: the image may never have been created
    }
  }

  private String[] rbd(String... args) {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "rbd",
                "-c",
                cephConf.toString(),
                "--id",
                cephUser,
                "--keyring",
                keyring.toString()));
    cmd.addAll(List.of(args));
    return cmd.toArray(String[]::new);
  }

  static byte[] randomTag() {
    byte[] tag = new byte[8];
    new SecureRandom().nextBytes(tag);
    return tag;
  }

  static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }

  static void run(Duration timeout, String... cmd) {
    Commands.run(timeout, List.of(cmd));
  }
}
