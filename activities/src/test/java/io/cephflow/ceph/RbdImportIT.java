package io.cephflow.ceph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cephflow.ceph.librbd.CephCluster;
import io.cephflow.ceph.librbd.Librbd;
import io.cephflow.transfer.SparseFileDataSource;
import io.cephflow.transfer.StreamDataSource;
import io.cephflow.workflows.common.RbdRef;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Streaming import and export against the dev cluster, checked with the rbd CLI. */
class RbdImportIT {
  private static final long MiB = 1 << 20;
  private final Rbd rbd = CephTestCluster.rbd();
  private final List<RbdRef> created = new ArrayList<>();
  @TempDir Path tmp;

  @AfterEach
  void cleanup() {
    created.forEach(CephTestCluster::purge);
  }

  private RbdRef newImage(long size) {
    RbdRef ref = new RbdRef("images", CephTestCluster.uniqueName("imp"));
    created.add(ref);
    rbd.images().create(ref, ImageSpec.ofSize(size));
    return ref;
  }

  @Test
  void randomStreamRoundTripsByteForByte() throws Exception {
    Path src = tmp.resolve("random.raw");
    writeRandom(src, 64 * MiB + 12345, 1);
    RbdRef ref = newImage(Files.size(src));
    ImportResult r;
    try (var in =
        new StreamDataSource(
            Files.newInputStream(src), Files.size(src), "SHA-256", Long.MAX_VALUE)) {
      r = rbd.streams().write(ref, in, 0, Progress.NONE);
      assertThat(in.hexDigest()).isEqualTo(sha256(src));
    }
    assertThat(r.bytesRead()).isEqualTo(Files.size(src));
    assertThat(r.bytesWritten()).isEqualTo(Files.size(src));
    assertThat(exportedSha256(ref)).isEqualTo(sha256(src));
    assertThat(cliExportSha256(ref)).isEqualTo(sha256(src));
  }

  @Test
  void sparseFileImportsThinAndReadsBackIdentical() throws Exception {
    Path src = tmp.resolve("sparse.raw");
    long size = 4096 * MiB;
    long data = scatter(src, size, 50, 4 * MiB); // 200 MiB of data in 50 places
    RbdRef ref = newImage(size);
    List<Long> progress = new ArrayList<>();
    ImportResult r;
    try (var in = new SparseFileDataSource(src)) {
      r = rbd.streams().write(ref, in, 0, (done, total) -> progress.add(done));
    }
    assertThat(r.bytesWritten())
        .isBetween(data, data + 50 * 8192); // file-system blocks at extent edges
    assertThat(progress).isNotEmpty().isSorted();
    long used = usedBytes(ref);
    assertThat(used).isBetween(data, data + 64 * MiB);
    assertThat(cliExportSha256(ref)).isEqualTo(sha256(src));
  }

  @Test
  void streamSkipsZeroChunksAndResumesAfterAnOffset() throws Exception {
    Path src = tmp.resolve("zeros.raw");
    long size = 1024 * MiB;
    scatter(src, size, 8, 1 * MiB);
    RbdRef ref = newImage(size);
    try (var in = new StreamDataSource(Files.newInputStream(src), size, null, Long.MAX_VALUE)) {
      ImportResult r = rbd.streams().write(ref, in, 0, Progress.NONE);
      assertThat(r.zeroBytesSkipped()).isGreaterThan(size - 64 * MiB);
    }
    assertThat(usedBytes(ref)).isLessThan(64 * MiB);
    // a retry that resumes at 512 MiB writes only what lies after it
    try (var in = new StreamDataSource(Files.newInputStream(src), size, null, Long.MAX_VALUE)) {
      ImportResult r = rbd.streams().write(ref, in, 512 * MiB, Progress.NONE);
      assertThat(r.bytesWritten()).isLessThanOrEqualTo(8 * 4 * MiB);
    }
    assertThat(cliExportSha256(ref)).isEqualTo(sha256(src));
  }

  @Test
  void aStreamLongerThanItsCapIsRefused() throws Exception {
    Path src = tmp.resolve("big.raw");
    writeRandom(src, 9 * MiB, 2);
    RbdRef ref = newImage(16 * MiB);
    try (var in = new StreamDataSource(Files.newInputStream(src), -1, null, 8 * MiB)) {
      assertThatThrownBy(() -> rbd.streams().write(ref, in, 0, Progress.NONE))
          .hasMessageContaining("larger than the limit");
    }
  }

  @Test
  void aClientWithoutCapsOnAPoolIsDenied() {
    String user = "client.it-noimages";
    var ceph = io.cephflow.fixture.TestBackends.get().ceph();
    CephTestCluster.run(
        List.of(
            "ceph",
            "-c",
            ceph.conf().toString(),
            "-n",
            "client.admin",
            "--keyring",
            ceph.adminKeyring().toString(),
            "auth",
            "get-or-create",
            user,
            "mon",
            "profile rbd",
            "osd",
            "profile rbd pool=volumes",
            "-o",
            tmp.resolve("kr").toString()));
    // not closed: a JVM abort (std::system_error, "Invalid argument") was seen once right after
    // this test on a loaded CI run; rados_shutdown racing librbd's background threads is the
    // suspected cause. The worker shuts its one cluster handle down only at exit.
    var cluster =
        CephCluster.connect(
            new CephConfig(ceph.conf(), "it-noimages", tmp.resolve("kr"), null, null));
    Rbd limited = Librbd.over(cluster, 4);
    RbdRef ref = new RbdRef("images", CephTestCluster.uniqueName("denied"));
    created.add(ref);
    assertThatThrownBy(() -> limited.images().create(ref, ImageSpec.ofSize(MiB)))
        .isInstanceOfSatisfying(
            RbdException.class,
            e -> assertThat(e.kind()).isEqualTo(RbdException.Kind.PERMISSION_DENIED));
  }

  static void writeRandom(Path p, long size, long seed) throws IOException {
    Random random = new Random(seed);
    byte[] buf = new byte[1 << 20];
    try (OutputStream out = Files.newOutputStream(p)) {
      for (long left = size; left > 0; left -= buf.length) {
        random.nextBytes(buf);
        out.write(buf, 0, (int) Math.min(buf.length, left));
      }
    }
  }

  /**
   * A sparse file of {@code size} with {@code n} random extents of {@code len}; returns data bytes.
   */
  static long scatter(Path p, long size, int n, long len) throws IOException {
    Random random = new Random(n);
    byte[] buf = new byte[(int) len];
    try (var f = new RandomAccessFile(p.toFile(), "rw")) {
      f.setLength(size);
      long stride = size / n;
      for (int i = 0; i < n; i++) {
        random.nextBytes(buf);
        f.seek((i * stride + stride / 2) / len * len); // object-aligned, as rbd du counts objects
        f.write(buf);
      }
    }
    return n * len;
  }

  static String sha256(Path p) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    try (InputStream in = Files.newInputStream(p)) {
      in.transferTo(new DigestOutputStream(OutputStream.nullOutputStream(), md));
    }
    return HexFormat.of().formatHex(md.digest());
  }

  private String exportedSha256(RbdRef ref) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    rbd.streams()
        .export(ref, new DigestOutputStream(OutputStream.nullOutputStream(), md), Progress.NONE);
    return HexFormat.of().formatHex(md.digest());
  }

  private String cliExportSha256(RbdRef ref) throws Exception {
    Path out = tmp.resolve(ref.image() + ".export");
    CephTestCluster.rbdCli("export", ref.toString(), out.toString());
    try {
      return sha256(out);
    } finally {
      Files.deleteIfExists(out);
    }
  }

  private static long usedBytes(RbdRef ref) {
    String json = CephTestCluster.rbdCli("du", "--format", "json", ref.toString());
    return Long.parseLong(json.replaceAll("(?s).*\"used_size\":(\\d+).*", "$1"));
  }
}
