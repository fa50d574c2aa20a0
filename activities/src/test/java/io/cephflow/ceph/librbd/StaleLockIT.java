package io.cephflow.ceph.librbd;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import io.cephflow.ceph.CephTestCluster;
import io.cephflow.ceph.Progress;
import io.cephflow.transfer.SparseFileDataSource;
import io.cephflow.workflows.common.RbdRef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An exclusive lock this client holds on an image that none of its handles has open (what a close
 * that met a dead OSD leaves, see {@link StaleLocks}): the next writable handle releases it and
 * writes; before, the write waited for ever. A lock of another client is left alone.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class StaleLockIT {
  @TempDir Path dir;

  interface Locks extends Library {
    Locks INSTANCE = Native.load("rados", Locks.class);

    int rados_lock_exclusive(
        Pointer ioctx,
        String oid,
        String name,
        String cookie,
        String desc,
        Pointer duration,
        byte flags);
  }

  @Test
  void aStaleLockOfThisClientIsReleasedByTheNextWriterAndTheWriteCompletes() throws Exception {
    RbdRef ref = new RbdRef("images", CephTestCluster.uniqueName("faultsb-stale-lock"));
    CephTestCluster.rbdCli("create", "--size", "8M", ref.toString());
    try {
      CephCluster cluster = CephTestCluster.cluster();
      try (var pool = cluster.pool(ref.pool())) {
        assertThat(
                Locks.INSTANCE.rados_lock_exclusive(
                    pool.ptr(), header(ref), StaleLocks.LOCK_NAME, "auto 42", "", null, (byte) 0))
            .isZero();
      }
      assertThat(CephTestCluster.rbdCli("lock", "ls", ref.toString())).contains("auto 42");
      byte[] data = new byte[4 << 20];
      new Random(7).nextBytes(data);
      Path file = dir.resolve("data.raw");
      Files.write(file, data);
      try (var source = new SparseFileDataSource(file)) {
        CephTestCluster.rbd().streams().write(ref, source, 0, Progress.NONE);
      }
      assertThat(CephTestCluster.rbdCli("lock", "ls", ref.toString())).doesNotContain("auto 42");
      Path out = dir.resolve("export.raw");
      CephTestCluster.rbdCli("export", "--no-progress", ref.toString(), out.toString());
      byte[] back = Files.readAllBytes(out);
      assertThat(sha256(java.util.Arrays.copyOf(back, data.length))).isEqualTo(sha256(data));
    } finally {
      CephTestCluster.purge(ref);
    }
  }

  @Test
  void aLockOfAnotherClientIsNotOursToRelease() {
    RbdRef ref = new RbdRef("images", CephTestCluster.uniqueName("faultsb-stale-lock"));
    CephTestCluster.rbdCli("create", "--size", "8M", ref.toString());
    try {
      CephTestCluster.rbdCli("lock", "add", ref.toString(), "someone-else"); // as client.admin
      try (var pool = CephTestCluster.cluster().pool(ref.pool());
          var image = Image.open(pool, ref)) {
        assertThat(image.ref()).isEqualTo(ref);
      }
      assertThat(CephTestCluster.rbdCli("lock", "ls", ref.toString())).contains("someone-else");
    } finally {
      String locks = CephTestCluster.rbdCli("lock", "ls", "--format", "json", ref.toString());
      String locker = locks.replaceAll("(?s).*\"locker\":\"([^\"]+)\".*", "$1");
      if (!locker.equals(locks))
        CephTestCluster.rbdCli("lock", "rm", ref.toString(), "someone-else", locker);
      CephTestCluster.purge(ref);
    }
  }

  private static String header(RbdRef ref) {
    String info = CephTestCluster.rbdCli("info", "--format", "json", ref.toString());
    return "rbd_header." + info.replaceAll("(?s).*\"id\":\"([0-9a-f]+)\".*", "$1");
  }

  private static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }
}
