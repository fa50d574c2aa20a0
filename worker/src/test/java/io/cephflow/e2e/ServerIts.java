package io.cephflow.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.cephflow.ceph.CephTestCluster;
import io.cephflow.ceph.SnapshotInfo;
import io.cephflow.workflows.common.RbdRef;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * What the server end-to-end tests share: the stack with a hypervisor worker over the dev libvirtd,
 * the boot-sector disk whose guest prints {@code BOOT-OK <tag>} on its serial console, virsh, and
 * the leak listing by the test's ids.
 */
final class ServerIts {
  private ServerIts() {}

  /** Checks the dev services' environment; returns the libvirt URI. */
  static String requireDevServices() {
    String uri = require("CEPHFLOW_LIBVIRT_URI", "eval \"$(dev/libvirt.sh env)\"");
    io.cephflow.fixture.TestBackends.get().ceph();
    return uri;
  }

  /**
   * The worker (with its host-queue worker on {@code libvirtUri}, 32 MiB guests, consoles in {@code
   * work/console}) and the REST API. {@code work} must be under target/, not /tmp: qemu runs in the
   * dev daemon's mount namespace and writes there.
   */
  static CephflowStack stack(Path sourceRoot, Path work, String libvirtUri) throws Exception {
    return new CephflowStack(sourceRoot, hypervisorArgs(work, libvirtUri).toArray(new String[0]));
  }

  /**
   * The worker's hypervisor settings for tests: the dev libvirtd, 32 MiB guests, consoles in {@code
   * work/console}.
   */
  static List<String> hypervisorArgs(Path work, String libvirtUri) throws Exception {
    Files.createDirectories(consoleDir(work));
    return List.of(
        "--cephflow.libvirt.uri=" + libvirtUri,
        "--cephflow.libvirt.ceph-conf=" + work.resolve("qemu-ceph.conf"),
        "--cephflow.libvirt.ceph-mount-timeout=5s",
        "--cephflow.libvirt.domain.memory-mib=32",
        "--cephflow.libvirt.domain.console-dir=" + consoleDir(work));
  }

  static Path consoleDir(Path work) {
    return work.resolve("console");
  }

  static byte[] newTag() {
    byte[] tag = new byte[8];
    new SecureRandom().nextBytes(tag);
    return tag;
  }

  /** What the guest prints on its serial console once it has read {@code tag} from sector 1. */
  static String bootOk(byte[] tag) {
    return "BOOT-OK " + HexFormat.of().formatHex(tag);
  }

  /**
   * Uploads the 1 MiB boot-sector disk (sector 1 holds the tag) as raw image {@code imageId}
   * through REST.
   */
  static void uploadBootDisk(CephflowStack stack, Path dir, byte[] tag, String imageId)
      throws Exception {
    Path raw = bootDisk(dir, tag, 1 << 20);
    String op =
        started(
            stack.post(
                "/api/v1/images",
                "{\"imageId\":\""
                    + imageId
                    + "\",\"name\":\"boot-sector\","
                    + "\"source\":\""
                    + raw
                    + "\",\"diskFormat\":\"raw\"}"));
    assertThat(stack.await(op, Duration.ofMinutes(2))).contains("\"status\":\"COMPLETED\"");
  }

  /**
   * A raw disk of {@code size} bytes in {@code dir} whose guest prints {@link #bootOk}: the boot
   * sector, the tag in sector 1, zeros to 1 MiB, random bytes after that (data to copy).
   */
  static Path bootDisk(Path dir, byte[] tag, int size) throws Exception {
    Files.createDirectories(dir);
    Path asm = dir.resolve("boot-sector.asm");
    try (InputStream in =
        ServerIts.class.getResourceAsStream("/io/cephflow/libvirt/boot-sector.asm")) {
      assertThat(in).as("boot-sector.asm from the activities test jar").isNotNull();
      Files.write(asm, in.readAllBytes());
    }
    Path bin = dir.resolve("boot.bin");
    CephTestCluster.run(List.of("nasm", "-f", "bin", "-o", bin.toString(), asm.toString()));
    byte[] disk = new byte[size];
    if (size > 1 << 20) new Random(size).nextBytes(disk);
    Arrays.fill(disk, 0, Math.min(size, 1 << 20), (byte) 0);
    System.arraycopy(Files.readAllBytes(bin), 0, disk, 0, 512);
    System.arraycopy(tag, 0, disk, 512, tag.length);
    Path raw = dir.resolve("boot-" + HexFormat.of().formatHex(tag) + ".raw");
    Files.write(raw, disk);
    return raw;
  }

  /** Waits up to 60 s for {@code expected} on the server's serial console log. */
  static void awaitConsole(Path consoleDir, String serverId, String expected) throws Exception {
    Path log = consoleDir.resolve("instance-" + serverId + ".log");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    String content = "";
    while (System.nanoTime() < deadline) {
      if (Files.exists(log)) {
        content = Files.readString(log, StandardCharsets.ISO_8859_1);
        if (content.contains(expected)) return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError(
        "console " + log + " never showed '" + expected + "'; it shows: " + content);
  }

  /**
   * The failure types a flow decides in its first steps, which the API answers at once (not with a
   * 202).
   */
  static final java.util.Set<String> REFUSALS =
      java.util.Set.of("Conflict", "NotFound", "InUse", "InvalidRequest");

  /**
   * A request that must fail with {@code type}: refused at the door (404 NotFound, 400
   * InvalidRequest, 409 Conflict or InUse, with the typed reason), or a 202 whose operation ends
   * FAILED with it. Returns the body that says so. Tests of the door itself assert the status.
   */
  static String failedWith(CephflowStack stack, HttpResponse<String> r, String type)
      throws InterruptedException {
    // a source the API can judge (the policy, a missing or empty file): refused at the door
    if (refusedAtTheDoor(r)) {
      assertThat(r.body()).contains("\"error\":\"" + type + "\"").contains("\"field\":\"source\"");
      return r.body();
    }
    // decided in the flow's first steps: answered at once; decided later (a clone whose source
    // snapshot is missing): a 202 whose operation fails with the same type
    if (REFUSALS.contains(type) && r.statusCode() != 202) {
      int status =
          switch (type) {
            case "NotFound" -> 404;
            case "InvalidRequest" -> 400;
            default -> 409;
          };
      assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
      assertThat(r.body()).contains("\"error\":\"" + type + "\"").contains("\"operationId\"");
      return r.body();
    }
    String done = stack.await(started(r), java.time.Duration.ofMinutes(3));
    assertThat(done)
        .as(done)
        .contains("\"status\":\"FAILED\"")
        .contains("\"type\":\"" + type + "\"");
    return done;
  }

  /** A 400 naming the source: no operation was started, nothing can have been made. */
  static boolean refusedAtTheDoor(HttpResponse<String> r) {
    return r.statusCode() == 400 && r.body().contains("\"field\":\"source\"");
  }

  /** The 202's operation path. */
  static String started(HttpResponse<String> r) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    return r.headers().firstValue("Location").orElseThrow();
  }

  static String virsh(String libvirtUri, String... args) {
    List<String> cmd = new ArrayList<>(List.of("virsh", "-c", libvirtUri));
    cmd.addAll(List.of(args));
    return CephTestCluster.run(cmd);
  }

  static void virshQuietly(String libvirtUri, String... args) {
    try {
      virsh(libvirtUri, args);
    } catch (RuntimeException e) {
      // cleanup only: already gone
    }
  }

  /** Destroys and undefines {@code instance-<serverId>} if it is there (cleanup only). */
  static void removeDomainQuietly(String libvirtUri, String serverId) {
    virshQuietly(libvirtUri, "destroy", "instance-" + serverId);
    virshQuietly(libvirtUri, "undefine", "instance-" + serverId);
  }

  static void purgeQuietly(RbdRef ref) {
    try {
      CephTestCluster.purge(ref);
    } catch (RuntimeException e) {
      System.err.println("server IT: could not purge " + ref + ": " + e.getMessage());
    }
  }

  /**
   * Everything whose name carries one of {@code ids}: RBD images in images/vms/volumes with their
   * snapshots, and libvirt domains; sorted. The cluster and daemon are shared with other engineers'
   * tests, so only names carrying the test's ids count.
   */
  static List<String> leftovers(Collection<String> ids, String libvirtUri) {
    List<String> out = new ArrayList<>();
    for (String pool : List.of("images", "vms", "volumes")) {
      for (String name : CephTestCluster.rbd().images().list(pool)) {
        if (ids.stream().noneMatch(name::contains)) continue;
        out.add(pool + "/" + name);
        // the flows only ever snapshot images of ours, so their snapshots are all there is to list
        CephTestCluster.rbd()
            .snapshots()
            .list(new RbdRef(pool, name))
            .forEach(s -> out.add(pool + "/" + name + "@" + s.name()));
      }
    }
    for (String domain : virsh(libvirtUri, "list", "--all", "--name").split("\n")) {
      if (ids.stream().anyMatch(domain.strip()::contains)) out.add(domain.strip());
    }
    out.sort(null);
    return out;
  }

  /**
   * The whole state a flow can touch, sorted: every image of the three pools with each snapshot
   * (and whether it is protected), each pool's trash, every libvirt domain with its state. On a dev
   * cluster shared with other work (never on CI), CEPHFLOW_WORLD_IGNORE is a pattern of image names
   * to leave out. Without {@code libvirtUri}, no domains.
   */
  static TreeSet<String> world(String libvirtUri) {
    String ignore = System.getenv().getOrDefault("CEPHFLOW_WORLD_IGNORE", "");
    Predicate<String> ours =
        ignore.isBlank() ? n -> true : Pattern.compile(ignore).asPredicate().negate();
    TreeSet<String> out = new TreeSet<>();
    for (String pool : List.of("images", "vms", "volumes")) {
      for (String name : CephTestCluster.rbd().images().list(pool)) {
        if (!ours.test(name)) continue;
        out.add(pool + "/" + name);
        for (SnapshotInfo s : CephTestCluster.rbd().snapshots().list(new RbdRef(pool, name))) {
          out.add(pool + "/" + name + "@" + s.name() + (s.isProtected() ? " (protected)" : ""));
        }
      }
      for (String line : CephTestCluster.rbdCli("trash", "ls", pool).split("\n")) {
        if (!line.isBlank()) out.add("trash " + pool + ": " + line.strip());
      }
    }
    for (String domain :
        libvirtUri == null
            ? new String[0]
            : virsh(libvirtUri, "list", "--all", "--name").split("\n")) {
      if (domain.isBlank()) continue;
      out.add(
          "domain " + domain.strip() + " " + virsh(libvirtUri, "domstate", domain.strip()).strip());
    }
    return out;
  }

  /** Hex digest of a file ({@code SHA-256}, {@code SHA-512}). */
  static String digest(Path file, String algorithm) throws Exception {
    MessageDigest md = MessageDigest.getInstance(algorithm);
    try (var in = Files.newInputStream(file)) {
      byte[] buf = new byte[1 << 20];
      for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
    }
    return HexFormat.of().formatHex(md.digest());
  }

  static String sha256(Path file) throws Exception {
    return digest(file, "SHA-256");
  }

  /**
   * SHA-256 of {@code rbd export} of {@code pool/image}, through a temporary file in {@code dir}.
   */
  static String exportSha256(Path dir, String image) throws Exception {
    Path out = dir.resolve("export-" + UUID.randomUUID());
    CephTestCluster.rbdCli("export", "--no-progress", image, out.toString());
    try {
      return sha256(out);
    } finally {
      Files.delete(out);
    }
  }

  /**
   * The chunked SHA-256 as docs/intake.md tells users to verify it: coreutils and xxd, nothing of
   * ours.
   */
  static final String CHUNKED_SHA256_PIPE =
      "split -b 4194304 --filter='sha256sum | cut -c1-64 | xxd -r -p'";

  /** The chunked SHA-256 of {@code file}, by {@link #CHUNKED_SHA256_PIPE}. */
  static String chunkedSha256(Path file) {
    return shellDigest(CHUNKED_SHA256_PIPE + " '" + file + "' | sha256sum");
  }

  /**
   * The chunked SHA-256 of what {@code rbd export pool/image -} prints, by {@link
   * #CHUNKED_SHA256_PIPE}.
   */
  static String exportChunkedSha256(String image) {
    var ceph = io.cephflow.fixture.TestBackends.get().ceph();
    return shellDigest(
        "set -o pipefail; rbd -c '"
            + ceph.conf()
            + "' -n client.admin --keyring '"
            + ceph.adminKeyring()
            + "' export --no-progress "
            + image
            + " - | "
            + CHUNKED_SHA256_PIPE
            + " - | sha256sum");
  }

  private static String shellDigest(String script) {
    String out = CephTestCluster.run(java.util.List.of("bash", "-c", script)).strip();
    if (!out.matches("[0-9a-f]{64}  -"))
      throw new IllegalStateException(script + " printed " + out);
    return out.substring(0, 64);
  }

  static String newId(Collection<String> ids) {
    String id = UUID.randomUUID().toString();
    ids.add(id);
    return id;
  }

  static long ms(long nanos) {
    return nanos / 1_000_000;
  }

  static String require(String name, String how) {
    String v = System.getenv(name);
    if (v == null || v.isBlank()) {
      throw new IllegalStateException(name + " is not set; start the dev services and run: " + how);
    }
    return v;
  }
}
