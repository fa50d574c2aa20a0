package io.cephflow.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.cephflow.ceph.CephTestCluster;
import io.cephflow.workflows.common.RbdRef;
import io.cephflow.workflows.common.SnapRef;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server flows through REST, the worker (with its host-queue worker), embedded Temporal, the
 * dev Ceph cluster and the dev libvirtd (qemu TCG): a boot-sector disk uploaded as a raw image
 * boots from an RBD clone and prints its tag; an image made from the running VM boots a second VM
 * that prints the same tag; deleting both leaves the images. Failing boots leave nothing. Needs
 * dev/ceph.sh and dev/libvirt.sh up.
 */
class ServerEndToEndIT {
  @TempDir static Path dir;
  static CephflowStack stack;
  static String libvirtUri;
  static Path consoleDir;
  static final List<String> servers = new ArrayList<>();
  static final List<String> images = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    libvirtUri = ServerIts.requireDevServices();
    Path work = Path.of("target", "server-it").toAbsolutePath();
    consoleDir = ServerIts.consoleDir(work);
    stack = ServerIts.stack(dir, work, libvirtUri);
  }

  @AfterAll
  static void stop() {
    // whatever a failed assertion left: domains first (they hold the disks), then images
    for (String s : servers) {
      ServerIts.removeDomainQuietly(libvirtUri, s);
      purgeQuietly(new RbdRef("vms", s + "_disk"));
    }
    for (String i : images) purgeQuietly(new RbdRef("images", i));
    if (stack != null) stack.close();
  }

  @Test
  void bootSnapshotBootAgainAndDelete() throws Exception {
    byte[] tag = ServerIts.newTag();
    String bootOk = ServerIts.bootOk(tag);
    String imageId = uploadBootDisk(tag);

    // 1. boot from the raw image: a clone of images/<id>@snap, then the guest prints the tag
    String first = newServer();
    long t0 = System.nanoTime();
    String op =
        started(
            stack.post(
                "/api/v1/servers",
                "{\"serverId\":\"" + first + "\",\"imageId\":\"" + imageId + "\"}"));
    assertThat(op).isEqualTo("/api/v1/operations/server-boot-" + first);
    assertThat(stack.await(op, Duration.ofMinutes(3)))
        .contains("\"status\":\"COMPLETED\"")
        .contains("RUNNING");
    long booted = System.nanoTime();
    awaitConsole(first, bootOk);
    long printed = System.nanoTime();
    System.out.printf(
        "server IT: boot flow %d ms (POST to COMPLETED), tag on the console %d ms after POST%n",
        ms(booted - t0), ms(printed - t0));
    Optional<SnapRef> parent = CephTestCluster.rbd().clones().parent(disk(first));
    assertThat(parent)
        .hasValueSatisfying(p -> assertThat(p.toString()).isEqualTo("images/" + imageId + "@snap"));

    // 2. image from the running server: flattened, protected snap, temp snapshot gone, VM running
    String newImage = UUID.randomUUID().toString();
    images.add(newImage);
    long s0 = System.nanoTime();
    op =
        started(
            stack.post(
                "/api/v1/servers/" + first + "/images",
                "{\"imageId\":\"" + newImage + "\",\"name\":\"from-vm\"}"));
    assertThat(op).isEqualTo("/api/v1/operations/image-from-server-" + newImage);
    assertThat(stack.await(op, Duration.ofMinutes(3))).contains("\"status\":\"COMPLETED\"");
    System.out.printf("server IT: image from server %d ms%n", ms(System.nanoTime() - s0));
    // detached from the server's disk in the background, by the flatten manager
    assertThat(stack.await("/api/v1/operations/flatten-images-" + newImage, Duration.ofMinutes(3)))
        .contains("\"status\":\"COMPLETED\"");
    assertThat(CephTestCluster.rbd().clones().parent(new RbdRef("images", newImage))).isEmpty();
    assertThat(CephTestCluster.rbdCli("snap", "ls", "--format", "json", "images/" + newImage))
        .contains("\"name\":\"snap\"")
        .contains("\"protected\":\"true\"");
    assertThat(
            CephTestCluster.rbdCli("image-meta", "list", "--format", "json", "images/" + newImage))
        .contains("\"cephflow.disk-format\":\"raw\"")
        .contains("\"cephflow.virtual-size\":\"1048576\"")
        // the clone inherited the base image's provenance: replaced, its owner kept
        .contains("\"cephflow.owner\":\"image-from-server-" + newImage + "@")
        .doesNotContain("cephflow.chunked-sha256");
    assertThat(CephTestCluster.rbd().snapshots().list(disk(first))).isEmpty();
    assertThat(virsh("domstate", "instance-" + first).strip()).isEqualTo("running");

    // 3. a second server from the new image prints the same tag
    String second = newServer();
    long b0 = System.nanoTime();
    op =
        started(
            stack.post(
                "/api/v1/servers",
                "{\"serverId\":\"" + second + "\",\"imageId\":\"" + newImage + "\"}"));
    assertThat(stack.await(op, Duration.ofMinutes(3))).contains("\"status\":\"COMPLETED\"");
    awaitConsole(second, bootOk);
    System.out.printf(
        "server IT: second boot, tag on the console %d ms after POST%n",
        ms(System.nanoTime() - b0));

    // 4. delete both: domains and disks gone, images untouched
    for (String s : List.of(first, second)) {
      long d0 = System.nanoTime();
      HttpResponse<String> r = stack.delete("/api/v1/servers/" + s + "?shutdownTimeoutSeconds=3");
      assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
      assertThat(
              stack.await(r.headers().firstValue("Location").orElseThrow(), Duration.ofMinutes(3)))
          .contains("\"status\":\"COMPLETED\"")
          .contains("\"diskRemoved\":true");
      System.out.printf("server IT: delete %d ms%n", ms(System.nanoTime() - d0));
      assertThat(virsh("list", "--all", "--name")).doesNotContain("instance-" + s);
      assertThat(CephTestCluster.rbd().images().exists(disk(s))).isFalse();
    }
    for (String i : List.of(imageId, newImage)) {
      assertThat(CephTestCluster.rbdCli("snap", "ls", "--format", "json", "images/" + i))
          .contains("\"name\":\"snap\"")
          .contains("\"protected\":\"true\"");
    }
    purgeQuietly(new RbdRef("images", newImage));
    purgeQuietly(new RbdRef("images", imageId));
  }

  @Test
  void failingBootsLeaveNoDiskNoDomainAndNoSnapshot() throws Exception {
    var before = ServerIts.world(libvirtUri);

    // the image does not exist
    String server = newServer();
    expectFailure(
        "{\"serverId\":\"" + server + "\",\"imageId\":\"" + UUID.randomUUID() + "\"}", "NotFound");

    // a qcow2 image with the slow path forbidden by policy: the boot still converts it once into
    // its raw
    // copy (only a conversion into the server's own disk is forbidden), and these bytes are no
    // qcow2
    String qcow = UUID.randomUUID().toString();
    images.add(qcow);
    CephTestCluster.rbdCli("create", "--size", "1M", "images/" + qcow);
    CephTestCluster.rbdCli("image-meta", "set", "images/" + qcow, "cephflow.disk-format", "qcow2");
    CephTestCluster.rbdCli(
        "image-meta", "set", "images/" + qcow, "cephflow.virtual-size", "1048576");
    String s2 = newServer();
    expectFailure(
        "{\"serverId\":\"" + s2 + "\",\"imageId\":\"" + qcow + "\",\"forbidSlowPath\":true}",
        "UnsafeImage");

    // a raw image without its snapshot: the clone step fails, after the disk's undo is registered
    String raw = UUID.randomUUID().toString();
    images.add(raw);
    CephTestCluster.rbdCli("create", "--size", "1M", "images/" + raw);
    CephTestCluster.rbdCli("image-meta", "set", "images/" + raw, "cephflow.disk-format", "raw");
    String s3 = newServer();
    expectFailure("{\"serverId\":\"" + s3 + "\",\"imageId\":\"" + raw + "\"}", "NotFound");

    purgeQuietly(new RbdRef("images", qcow));
    purgeQuietly(new RbdRef("images", raw));
    assertThat(ServerIts.world(libvirtUri))
        .as("pools, snapshots, trash and domains")
        .isEqualTo(before);
    for (String s : List.of(server, s2, s3)) {
      assertThat(CephTestCluster.rbd().images().exists(disk(s))).isFalse();
      assertThat(virsh("list", "--all", "--name")).doesNotContain("instance-" + s);
    }
  }

  @Test
  void malformedServerRequestsAreRejectedWithA400() {
    assertThat(
            stack
                .post(
                    "/api/v1/servers",
                    "{\"serverId\":\"nope\",\"imageId\":\"" + UUID.randomUUID() + "\"}")
                .body())
        .contains("serverId must be a lower-case UUID");
    assertThat(stack.post("/api/v1/servers", "{}").statusCode()).isEqualTo(400);
    assertThat(
            stack
                .post(
                    "/api/v1/servers",
                    "{\"imageId\":\""
                        + UUID.randomUUID()
                        + "\",\"volumeId\":\""
                        + UUID.randomUUID()
                        + "\"}")
                .statusCode())
        .isEqualTo(400);
    assertThat(stack.post("/api/v1/servers/" + UUID.randomUUID() + "/images", "{}").statusCode())
        .isEqualTo(400);
    assertThat(stack.delete("/api/v1/servers/not-a-uuid").statusCode()).isEqualTo(400);
  }

  private void expectFailure(String body, String type) throws InterruptedException {
    ServerIts.failedWith(stack, stack.post("/api/v1/servers", body), type);
  }

  private static String started(HttpResponse<String> r) {
    return ServerIts.started(r);
  }

  private static String uploadBootDisk(byte[] tag) throws Exception {
    String imageId = UUID.randomUUID().toString();
    images.add(imageId);
    ServerIts.uploadBootDisk(stack, dir, tag, imageId);
    return imageId;
  }

  private static String newServer() {
    String id = UUID.randomUUID().toString();
    servers.add(id);
    return id;
  }

  private static RbdRef disk(String serverId) {
    return new RbdRef("vms", serverId + "_disk");
  }

  private static void awaitConsole(String serverId, String expected) throws Exception {
    ServerIts.awaitConsole(consoleDir, serverId, expected);
  }

  static String virsh(String... args) {
    return ServerIts.virsh(libvirtUri, args);
  }

  private static void purgeQuietly(RbdRef ref) {
    ServerIts.purgeQuietly(ref);
  }

  private static long ms(long nanos) {
    return ServerIts.ms(nanos);
  }
}
