package io.cephflow.e2e;

import io.cephflow.ceph.CephTestCluster;
import io.cephflow.ceph.RecordStore;
import io.cephflow.ceph.SnapshotInfo;
import io.cephflow.ceph.librbd.RadosRecordStore;
import io.cephflow.workflows.common.RbdRef;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import java.util.UUID;

/**
 * What the fault tests (Temporal restarted, a host's worker lost, the monitor unreachable at start)
 * share: ids of their own, the part of the world those ids name, records, health probes.
 */
final class FaultIts {
  private FaultIts() {}

  /**
   * A UUID whose first group is {@code prefix} (8 hex digits): a run's resources are found by it,
   * whatever else the shared dev cluster holds.
   */
  static String id(String prefix) {
    return prefix + UUID.randomUUID().toString().substring(8);
  }

  /** A prefix of 8 hex digits, new for each run. */
  static String runPrefix() {
    return UUID.randomUUID().toString().substring(0, 8);
  }

  /**
   * What {@link ServerIts#world} lists (images with their snapshots and protection, each pool's
   * trash, domains with their state), for the names of this run only: everything a flow of it can
   * make carries one of its ids ({@code images/<id>}, {@code <id>_raw}, {@code vms/<id>_disk},
   * {@code volumes/volume-<id>}, {@code instance-<id>}; the trash lists the same names). Filtered
   * before each look, since other people's images and domains on the shared cluster and libvirtd
   * come and go meanwhile.
   */
  static TreeSet<String> world(String libvirtUri, String prefix) {
    TreeSet<String> out = new TreeSet<>();
    for (String pool : List.of("images", "vms", "volumes")) {
      for (String name : CephTestCluster.rbd().images().list(pool)) {
        if (!name.contains(prefix)) continue;
        out.add(pool + "/" + name);
        for (SnapshotInfo s : CephTestCluster.rbd().snapshots().list(new RbdRef(pool, name))) {
          out.add(pool + "/" + name + "@" + s.name() + (s.isProtected() ? " (protected)" : ""));
        }
      }
      for (String line : CephTestCluster.rbdCli("trash", "ls", pool).split("\n")) {
        if (line.contains(prefix)) out.add("trash " + pool + ": " + line.strip());
      }
    }
    for (String domain : ServerIts.virsh(libvirtUri, "list", "--all", "--name").split("\n")) {
      if (!domain.contains(prefix)) continue;
      out.add(
          "domain "
              + domain.strip()
              + " "
              + ServerIts.virsh(libvirtUri, "domstate", domain.strip()).strip());
    }
    return out;
  }

  /** The resource records of this run in the three pools, as {@code pool/key}. */
  static TreeSet<String> records(String prefix) {
    RecordStore records = new RadosRecordStore(CephTestCluster.cluster());
    TreeSet<String> out = new TreeSet<>();
    for (String pool : List.of("images", "vms", "volumes")) {
      for (String key : records.keys(pool)) if (key.contains(prefix)) out.add(pool + "/" + key);
    }
    return out;
  }

  /** Cleanup only: the records of this run (the images they describe are purged beside). */
  static void removeRecords(String prefix) {
    RecordStore records = new RadosRecordStore(CephTestCluster.cluster());
    for (String r : records(prefix)) {
      String pool = r.substring(0, r.indexOf('/')), key = r.substring(r.indexOf('/') + 1);
      try {
        records.read(pool, key).ifPresent(v -> records.remove(pool, key, v));
      } catch (RuntimeException e) {
        System.err.println("fault IT: could not remove record " + r + ": " + e.getMessage());
      }
    }
  }

  static String record(String pool, String key) {
    return new RadosRecordStore(CephTestCluster.cluster()).read(pool, key).orElse("(no record)");
  }

  static void purge(Collection<String> images) {
    images.forEach(i -> ServerIts.purgeQuietly(new RbdRef("images", i)));
  }

  /** Cleanup only: {@code pool/image} with its snapshots, whatever state it is in. */
  static void purgeImage(String poolAndImage) {
    int slash = poolAndImage.indexOf('/');
    ServerIts.purgeQuietly(
        new RbdRef(poolAndImage.substring(0, slash), poolAndImage.substring(slash + 1)));
  }

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /** {@code GET /actuator/health/<group>} of a worker: the status code and body. */
  static HttpResponse<String> health(int port, String group) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health/" + group))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
