package io.cephflow.e2e;

import static io.cephflow.e2e.ServerIts.ms;
import static io.cephflow.e2e.ServerIts.started;
import static org.assertj.core.api.Assertions.assertThat;

import io.cephflow.ceph.CephTestCluster;
import io.cephflow.ceph.Rbd;
import io.cephflow.ceph.SnapshotInfo;
import io.cephflow.workflows.common.RbdRef;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * BootFromVolume and BootFromVolumeSnapshot through REST, the worker (with its host-queue worker),
 * embedded Temporal, the dev Ceph cluster and the dev libvirtd (qemu TCG), proven by the
 * boot-sector guest's serial marker: the boot disk uploaded as a raw image → a volume from it → a
 * server booted from that volume → a snapshot of the volume → a server booted from a new volume the
 * child VolumeFromSnapshot makes of that snapshot. Deleting the servers leaves the volumes; the
 * volume deletes (flattenDependents) and the image delete leave nothing with this test's ids. Needs
 * dev/ceph.sh and dev/libvirt.sh up.
 */
class BootFromVolumeEndToEndIT {
  @TempDir static Path dir;
  static CephflowStack stack;
  static String libvirtUri;
  static Path consoleDir;
  static Rbd rbd;
  static final List<String> servers = new ArrayList<>();

  /** Images, volumes and snapshots this class made (the servers are in {@link #servers}). */
  static final List<String> ids = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    libvirtUri = ServerIts.requireDevServices();
    Path work = Path.of("target", "bootvol-it").toAbsolutePath();
    consoleDir = ServerIts.consoleDir(work);
    rbd = CephTestCluster.rbd();
    stack = ServerIts.stack(dir, work, libvirtUri);
  }

  @AfterAll
  static void stop() {
    // whatever a failed assertion left: domains first (they hold the disks), then clones before
    // parents
    for (String s : servers) ServerIts.removeDomainQuietly(libvirtUri, s);
    for (int i = ids.size() - 1; i >= 0; i--) {
      String id = ids.get(i);
      ServerIts.purgeQuietly(volume(id));
      ServerIts.purgeQuietly(new RbdRef("images", id));
    }
    if (stack != null) stack.close();
  }

  @Test
  void bootFromAVolumeAndFromANewVolumeOfItsSnapshotThenDeleteEverything() throws Exception {
    byte[] tag = ServerIts.newTag();
    String bootOk = ServerIts.bootOk(tag);
    String imageId = newId();
    ServerIts.uploadBootDisk(stack, dir, tag, imageId);

    // the volume: a copy-on-write clone of images/<id>@snap (depth 1)
    String v1 = newId();
    done(
        stack.post(
            "/api/v1/volumes", "{\"volumeId\":\"" + v1 + "\",\"imageId\":\"" + imageId + "\"}"));
    assertThat(rbd.images().stat(volume(v1)).parent())
        .map(Object::toString)
        .contains("images/" + imageId + "@snap");

    // 1. BootFromVolume: the domain's disk is the volume itself, no vms/<sid>_disk is made
    String first = newServer();
    long t0 = System.nanoTime();
    String op =
        started(
            stack.post(
                "/api/v1/servers", "{\"serverId\":\"" + first + "\",\"volumeId\":\"" + v1 + "\"}"));
    assertThat(op).isEqualTo("/api/v1/operations/server-boot-" + first);
    assertThat(stack.await(op, Duration.ofMinutes(3)))
        .contains("\"status\":\"COMPLETED\"")
        .contains("RUNNING")
        .contains("\"bootDisk\":\"volumes/volume-" + v1 + "\"");
    long booted = System.nanoTime();
    ServerIts.awaitConsole(consoleDir, first, bootOk);
    long printed = System.nanoTime();
    System.out.printf(
        "boot-from-volume IT: BootFromVolume %d ms (POST to COMPLETED), tag on the console %d ms"
            + " after POST%n",
        ms(booted - t0), ms(printed - t0));
    assertThat(rbd.images().exists(disk(first))).isFalse();
    assertThat(ServerIts.virsh(libvirtUri, "dumpxml", "instance-" + first))
        .contains("volumes/volume-" + v1);

    // a snapshot of the volume while its server runs
    String snap = newId();
    long n0 = System.nanoTime();
    done(stack.post("/api/v1/volumes/" + v1 + "/snapshots", "{\"snapshotId\":\"" + snap + "\"}"));
    System.out.printf(
        "boot-from-volume IT: snapshot of the attached volume %d ms%n", ms(System.nanoTime() - n0));
    String snapName = "snapshot-" + snap;
    assertThat(rbd.snapshots().list(volume(v1)))
        .filteredOn(s -> s.name().equals(snapName))
        .singleElement()
        .extracting(SnapshotInfo::isProtected)
        .isEqualTo(true);

    // 2. BootFromVolumeSnapshot: the child VolumeFromSnapshot (volume-create-<v2>) makes v2, then
    // it boots
    String second = newServer();
    String v2 = newId();
    long b0 = System.nanoTime();
    op =
        started(
            stack.post(
                "/api/v1/servers",
                "{\"serverId\":\""
                    + second
                    + "\",\"volumeId\":\""
                    + v1
                    + "\",\"snapshotId\":\""
                    + snap
                    + "\",\"newVolumeId\":\""
                    + v2
                    + "\"}"));
    assertThat(op).isEqualTo("/api/v1/operations/server-boot-" + second);
    assertThat(stack.await(op, Duration.ofMinutes(3)))
        .contains("\"status\":\"COMPLETED\"")
        .contains("RUNNING")
        .contains("\"bootDisk\":\"volumes/volume-" + v2 + "\"");
    booted = System.nanoTime();
    ServerIts.awaitConsole(consoleDir, second, bootOk);
    printed = System.nanoTime();
    System.out.printf(
        "boot-from-volume IT: BootFromVolumeSnapshot %d ms (POST to COMPLETED), tag on the console"
            + " %d ms after POST%n",
        ms(booted - b0), ms(printed - b0));
    assertThat(stack.get("/api/v1/operations/volume-create-" + v2).body())
        .contains("\"status\":\"COMPLETED\"");
    // the flow passes no flatten policy: DEPTH with the default maximum (5). v1 is at depth 1,
    // so v2 (depth 2) stays a clone of the snapshot, owned by the child so only its undo may remove
    // it
    assertThat(rbd.images().stat(volume(v2)).parent())
        .map(Object::toString)
        .contains("volumes/volume-" + v1 + "@" + snapName);
    assertThat(rbd.clones().depth(volume(v2))).isEqualTo(2);
    assertThat(
            CephTestCluster.rbdCli("image-meta", "get", "volumes/volume-" + v2, "cephflow.owner")
                .strip())
        .startsWith("volume-create-" + v2 + "@");
    assertThat(rbd.images().exists(disk(second))).isFalse();
    assertThat(ServerIts.virsh(libvirtUri, "dumpxml", "instance-" + second))
        .contains("volumes/volume-" + v2)
        .doesNotContain("volumes/volume-" + v1);

    // 3. delete both servers: domains gone, no disk of cephflow's to remove, the volumes stay as
    // they were
    for (String s : List.of(first, second)) {
      long d0 = System.nanoTime();
      HttpResponse<String> r = stack.delete("/api/v1/servers/" + s + "?shutdownTimeoutSeconds=3");
      assertThat(stack.await(started(r), Duration.ofMinutes(3)))
          .contains("\"status\":\"COMPLETED\"")
          .contains("\"diskRemoved\":false");
      System.out.printf("boot-from-volume IT: delete %d ms%n", ms(System.nanoTime() - d0));
      assertThat(ServerIts.virsh(libvirtUri, "list", "--all", "--name"))
          .doesNotContain("instance-" + s);
    }
    assertThat(rbd.images().exists(volume(v1))).isTrue();
    assertThat(rbd.images().stat(volume(v2)).parent())
        .map(Object::toString)
        .contains("volumes/volume-" + v1 + "@" + snapName);

    // 4. the source volume with its snapshot: v2 depends on it, so flattenDependents; then v2 and
    // the image
    done(stack.delete("/api/v1/volumes/" + v1 + "?flattenDependents=true"));
    assertThat(rbd.images().exists(volume(v1))).isFalse();
    assertThat(rbd.images().stat(volume(v2)).parent()).isEmpty();
    done(stack.delete("/api/v1/volumes/" + v2));
    done(stack.delete("/api/v1/images/" + imageId));

    assertThat(leftovers()).as("images, snapshots and domains with this test's ids").isEmpty();
  }

  @Test
  void bootFromAVolumeThatDoesNotExistFailsNotFoundAndLeavesNoDomain() throws Exception {
    var before = ServerIts.world(libvirtUri);
    String server = newServer();
    String missing = newId();
    String body =
        ServerIts.failedWith(
            stack,
            stack.post(
                "/api/v1/servers",
                "{\"serverId\":\"" + server + "\",\"volumeId\":\"" + missing + "\"}"),
            "NotFound");
    assertThat(body).contains(missing);
    assertThat(ServerIts.virsh(libvirtUri, "list", "--all", "--name"))
        .doesNotContain("instance-" + server);
    assertThat(ServerIts.world(libvirtUri))
        .as("pools, snapshots, trash and domains")
        .isEqualTo(before);
  }

  @Test
  void bootFromASnapshotThatDoesNotExistFailsNotFoundAndLeavesNoVolumeAndNoDomain()
      throws Exception {
    var before = ServerIts.world(libvirtUri);
    String server = newServer();
    String source = newId();
    String snap = newId();
    String v = newId();
    ServerIts.failedWith(
        stack,
        stack.post(
            "/api/v1/servers",
            "{\"serverId\":\""
                + server
                + "\",\"volumeId\":\""
                + source
                + "\",\"snapshotId\":\""
                + snap
                + "\",\"newVolumeId\":\""
                + v
                + "\"}"),
        "NotFound");
    // refused before the child that would have made the volume started: there is no such operation
    assertThat(stack.get("/api/v1/operations/volume-create-" + v).statusCode()).isEqualTo(404);
    assertThat(ServerIts.world(libvirtUri))
        .as("pools, snapshots, trash and domains")
        .isEqualTo(before);
  }

  private static List<String> leftovers() {
    List<String> all = new ArrayList<>(servers);
    all.addAll(ids);
    return ServerIts.leftovers(all, libvirtUri);
  }

  private static String done(HttpResponse<String> r) throws InterruptedException {
    String body = stack.await(started(r), Duration.ofMinutes(3));
    assertThat(body).as(body).contains("\"status\":\"COMPLETED\"");
    return body;
  }

  private static String newId() {
    return ServerIts.newId(ids);
  }

  private static String newServer() {
    return ServerIts.newId(servers);
  }

  private static RbdRef volume(String volumeId) {
    return new RbdRef("volumes", "volume-" + volumeId);
  }

  private static RbdRef disk(String serverId) {
    return new RbdRef("vms", serverId + "_disk");
  }
}
