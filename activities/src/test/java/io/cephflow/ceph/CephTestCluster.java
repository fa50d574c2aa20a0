package io.cephflow.ceph;

import io.cephflow.ceph.librbd.CephCluster;
import io.cephflow.ceph.librbd.Librbd;
import io.cephflow.fixture.Commands;
import io.cephflow.fixture.TestBackends;
import io.cephflow.workflows.common.RbdRef;
import io.cephflow.workflows.common.SnapRef;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The tests' cluster ({@link TestBackends}: the dev cluster or a container), shared by the ITs of
 * one JVM.
 */
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
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "rbd",
                "-c",
                ceph.conf().toString(),
                "-n",
                "client.admin",
                "--keyring",
                ceph.adminKeyring().toString()));
    cmd.addAll(List.of(args));
    return run(cmd);
  }

  /** Runs a command and returns its stdout ({@link Commands#run(List)}: stderr apart, 120 s). */
  public static String run(List<String> cmd) {
    return Commands.run(cmd);
  }

  /** Removes an image with its snapshots and clones of them, for test cleanup. */
  public static void purge(RbdRef ref) {
    Rbd r = rbd();
    if (!r.images().exists(ref)) return;
    for (SnapshotInfo s : r.snapshots().list(ref)) {
      SnapRef snap = ref.snapshot(s.name());
      for (RbdRef child : r.clones().children(snap)) purge(child);
      r.snapshots().unprotect(snap);
      r.snapshots().remove(snap);
    }
    r.images().remove(ref);
  }
}
