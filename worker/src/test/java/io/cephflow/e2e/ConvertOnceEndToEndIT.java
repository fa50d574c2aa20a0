package io.cephflow.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.cephflow.ceph.CephTestCluster;
import io.cephflow.workflows.common.RbdRef;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Convert once, then clone, on the real stack (REST, worker, Temporal, the dev Ceph cluster and
 * libvirtd): a qcow2 image's first boot converts it into {@code images/<id>_raw} (a guest boots
 * from it and prints its tag), a second boot and a volume are clones of that copy ({@code rbd
 * info}'s parent), the image's delete is refused InUse while they exist, and once they are gone the
 * delete removes the copy too. An upload with {@code "convert":"raw"} lands raw and boots as a
 * clone of the image itself. Needs dev/ceph.sh and dev/libvirt.sh up.
 */
class ConvertOnceEndToEndIT {
  @TempDir static Path dir;
  static CephflowStack stack;
  static String libvirtUri;
  static Path consoleDir;
  static final List<String> ids = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    libvirtUri = ServerIts.requireDevServices();
    Path work = Path.of("target", "convert-once-it").toAbsolutePath();
    consoleDir = ServerIts.consoleDir(work);
    stack = ServerIts.stack(dir, work, libvirtUri);
  }

  @AfterAll
  static void stop() {
    // whatever a failed assertion left: domains first (they hold the disks), then clones, then
    // images
    for (String id : ids) {
      ServerIts.removeDomainQuietly(libvirtUri, id);
      ServerIts.purgeQuietly(new RbdRef("vms", id + "_disk"));
      ServerIts.purgeQuietly(new RbdRef("volumes", "volume-" + id));
    }
    for (String id : ids) {
      ServerIts.purgeQuietly(new RbdRef("images", id + "_raw"));
      ServerIts.purgeQuietly(new RbdRef("images", id));
    }
    if (stack != null) stack.close();
  }

  @Test
  void theFirstBootConvertsLaterOnesCloneAndTheCopyGoesWithItsImage() throws Exception {
    byte[] tag = ServerIts.newTag();
    String image = newId();
    Path qcow2 = qcow2BootDisk(tag);
    done(
        stack.post(
            "/api/v1/images",
            "{\"imageId\":\""
                + image
                + "\",\"name\":\"q\",\"source\":\""
                + qcow2
                + "\",\"diskFormat\":\"qcow2\"}"));
    assertThat(CephTestCluster.rbd().images().exists(rawCopy(image)))
        .as("no copy before the first boot")
        .isFalse();

    // 1. first boot: converts into images/<id>_raw, then clones it; the guest reads the converted
    // bytes
    String first = newId();
    done(
        stack.post(
            "/api/v1/servers", "{\"serverId\":\"" + first + "\",\"imageId\":\"" + image + "\"}"));
    assertThat(CephTestCluster.rbdCli("snap", "ls", "--format", "json", "images/" + image + "_raw"))
        .contains("\"name\":\"snap\"")
        .contains("\"protected\":\"true\"");
    assertThat(parent("vms/" + first + "_disk")).isEqualTo("images/" + image + "_raw@snap");
    assertThat(
            CephTestCluster.rbdCli("image-meta", "get", "images/" + image, "cephflow.raw-copy")
                .strip())
        .isEqualTo("images/" + image + "_raw@snap");
    ServerIts.awaitConsole(consoleDir, first, ServerIts.bootOk(tag));

    // 2. second boot and a volume: copy-on-write clones of the copy, no conversion
    String second = newId();
    long t0 = System.nanoTime();
    done(
        stack.post(
            "/api/v1/servers", "{\"serverId\":\"" + second + "\",\"imageId\":\"" + image + "\"}"));
    System.out.printf(
        "convert-once IT: second boot from qcow2 %d ms (POST to COMPLETED)%n",
        (System.nanoTime() - t0) / 1_000_000);
    assertThat(parent("vms/" + second + "_disk")).isEqualTo("images/" + image + "_raw@snap");
    ServerIts.awaitConsole(consoleDir, second, ServerIts.bootOk(tag));
    String volume = newId();
    done(
        stack.post(
            "/api/v1/volumes", "{\"volumeId\":\"" + volume + "\",\"imageId\":\"" + image + "\"}"));
    assertThat(parent("volumes/volume-" + volume)).isEqualTo("images/" + image + "_raw@snap");

    // the image's reading lists the clones of its copy as its children
    assertThat(stack.get("/api/v1/images/" + image).body())
        .contains("vms/" + first + "_disk")
        .contains("vms/" + second + "_disk")
        .contains("volumes/volume-" + volume);

    // 3. the image is in use while clones of its copy exist; nothing is removed
    String refused = ServerIts.failedWith(stack, stack.delete("/api/v1/images/" + image), "InUse");
    assertThat(refused).contains("vms/" + first + "_disk").contains("volumes/volume-" + volume);
    assertThat(CephTestCluster.rbd().images().exists(rawCopy(image))).isTrue();
    assertThat(CephTestCluster.rbd().images().exists(new RbdRef("images", image))).isTrue();

    // 4. servers and volume gone: the image's delete removes its copy too
    for (String s : List.of(first, second)) {
      done(stack.delete("/api/v1/servers/" + s + "?shutdownTimeoutSeconds=1"));
    }
    done(stack.delete("/api/v1/volumes/" + volume));
    done(stack.delete("/api/v1/images/" + image));
    assertThat(CephTestCluster.rbdCli("ls", "images")).doesNotContain(image);
    assertThat(ServerIts.leftovers(ids, libvirtUri))
        .as("rbd ls and virsh list of this test's ids")
        .isEmpty();
  }

  @Test
  void anUploadWithConvertRawLandsRawAndBootsAsACloneOfTheImage() throws Exception {
    byte[] tag = ServerIts.newTag();
    String image = newId();
    Path qcow2 = qcow2BootDisk(tag);
    HttpResponse<String> bad =
        stack.post(
            "/api/v1/images",
            "{\"imageId\":\""
                + image
                + "\",\"name\":\"q\","
                + "\"source\":\""
                + qcow2
                + "\",\"diskFormat\":\"qcow2\",\"convert\":\"vmdk\"}");
    assertThat(bad.statusCode()).as(bad.body()).isEqualTo(400);
    assertThat(bad.body()).contains("convert must be one of [raw]");

    done(
        stack.post(
            "/api/v1/images",
            "{\"imageId\":\""
                + image
                + "\",\"name\":\"q\",\"source\":\""
                + qcow2
                + "\",\"diskFormat\":\"qcow2\",\"convert\":\"raw\"}"));
    String meta =
        CephTestCluster.rbdCli("image-meta", "list", "--format", "json", "images/" + image);
    assertThat(meta)
        .contains("\"cephflow.disk-format\":\"raw\"")
        .contains("\"cephflow.source-format\":\"qcow2\"")
        .contains("\"cephflow.virtual-size\":\"" + DISK_BYTES + "\"");
    assertThat(CephTestCluster.rbd().images().stat(new RbdRef("images", image)).sizeBytes())
        .isEqualTo(DISK_BYTES);

    String server = newId();
    done(
        stack.post(
            "/api/v1/servers", "{\"serverId\":\"" + server + "\",\"imageId\":\"" + image + "\"}"));
    assertThat(parent("vms/" + server + "_disk")).isEqualTo("images/" + image + "@snap");
    ServerIts.awaitConsole(consoleDir, server, ServerIts.bootOk(tag));
    assertThat(CephTestCluster.rbd().images().exists(rawCopy(image)))
        .as("a raw image needs no copy")
        .isFalse();

    done(stack.delete("/api/v1/servers/" + server + "?shutdownTimeoutSeconds=1"));
    done(stack.delete("/api/v1/images/" + image));
    assertThat(ServerIts.leftovers(List.of(image, server), libvirtUri)).isEmpty();
  }

  static final int DISK_BYTES = 4 << 20;

  /**
   * The boot-sector disk (4 MiB, random data after the first MiB) converted to qcow2 with qemu-img.
   */
  static Path qcow2BootDisk(byte[] tag) throws Exception {
    Path raw = ServerIts.bootDisk(dir, tag, DISK_BYTES);
    Path qcow2 = dir.resolve(raw.getFileName().toString().replace(".raw", ".qcow2"));
    CephTestCluster.run(
        List.of(
            "qemu-img", "convert", "-f", "raw", "-O", "qcow2", raw.toString(), qcow2.toString()));
    return qcow2;
  }

  static RbdRef rawCopy(String imageId) {
    return new RbdRef("images", imageId + "_raw");
  }

  /** {@code rbd info}'s parent of the image, as pool/image@snap. */
  static String parent(String image) {
    String info = CephTestCluster.rbdCli("info", "--format", "json", image);
    var m =
        java.util.regex.Pattern.compile(
                "\"parent\":\\{\"pool\":\"([^\"]+)\",\"pool_namespace\":\"[^\"]*\","
                    + "\"image\":\"([^\"]+)\",\"id\":\"[^\"]*\",\"snapshot\":\"([^\"]+)\"")
            .matcher(info);
    assertThat(m.find()).as("rbd info of " + image + ": " + info).isTrue();
    return m.group(1) + "/" + m.group(2) + "@" + m.group(3);
  }

  static String newId() {
    String id = UUID.randomUUID().toString();
    ids.add(id);
    return id;
  }

  /** A 202 whose operation completes. */
  static String done(HttpResponse<String> r) throws InterruptedException {
    String body = stack.await(ServerIts.started(r), Duration.ofMinutes(3));
    assertThat(body).as(body).contains("\"status\":\"COMPLETED\"");
    return body;
  }
}
