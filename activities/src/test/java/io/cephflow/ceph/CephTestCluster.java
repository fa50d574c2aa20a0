package io.cephflow.ceph;

import io.cephflow.ceph.librbd.CephCluster;
import io.cephflow.ceph.librbd.Librbd;
import io.cephflow.fixture.TestBackends;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The tests' cluster ({@link TestBackends}: the dev cluster or a container), shared by the ITs of one JVM. */
public final class CephTestCluster {
  private static CephCluster cluster;
  private static Rbd rbd;

  private CephTestCluster() {}

  public static synchronized Rbd rbd() {
    if (rbd == null) {
      cluster = CephCluster.connect(TestBackends.get().ceph().config());
      rbd = Librbd.over(cluster, 16);
    }
    return rbd;
  }

  public static synchronized CephCluster cluster() {
    rbd();
    return cluster;
  }

  public static String uniqueName(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** Runs the `rbd` CLI as client.admin (the reference tool, for checks); returns stdout. */
  public static String rbdCli(String... args) {
    var ceph = TestBackends.get().ceph();
    List<String> cmd = new ArrayList<>(List.of("rbd", "-c", ceph.conf().toString(),
        "-n", "client.admin", "--keyring", ceph.adminKeyring().toString()));
    cmd.addAll(List.of(args));
    return run(cmd);
  }

  /**
   * Runs a command and returns its stdout. Stderr is kept apart: librados clients log to it
   * (e.g. "monclient: handle_auth_reply_more no authorizer?" on a busy monitor) even when the
   * command succeeds, and such lines must never be read as output. It is shown on failure.
   */
  public static String run(List<String> cmd) {
    Path err = null;
    try {
      err = Files.createTempFile("cephflow-cmd-", ".stderr");
      Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (p.waitFor() != 0) {
        throw new IllegalStateException(String.join(" ", cmd) + " failed (" + p.exitValue() + "): "
            + out + new String(Files.readAllBytes(err), StandardCharsets.UTF_8));
      }
      return out;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      if (err != null) err.toFile().delete();
    }
  }

  /** Removes an image with its snapshots and clones of them, for test cleanup. */
  public static void purge(ImageRef ref) {
    Rbd r = rbd();
    if (!r.images().exists(ref)) return;
    for (SnapshotInfo s : r.snapshots().list(ref)) {
      SnapshotRef snap = ref.snapshot(s.name());
      for (ImageRef child : r.clones().children(snap)) purge(child);
      r.snapshots().unprotect(snap);
      r.snapshots().remove(snap);
    }
    r.images().remove(ref);
  }
}
