package io.cephflow.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.cephflow.ceph.CephTestCluster;
import io.cephflow.ceph.ImageInfo;
import io.cephflow.ceph.Rbd;
import io.cephflow.ceph.SnapshotInfo;
import io.cephflow.workflows.common.RbdRef;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The volume flows through the REST API, the worker and Temporal, into the dev Ceph cluster: image
 * → volume (clone) → snapshot → volumes from it by flatten policy → the deletes, InUse and
 * flattenDependents included. Other engineers share the cluster, so the leak check looks at every
 * name carrying an id this class made (pools and snapshots), after every test.
 */
class VolumeFlowsIT {
  private static final long MiB = 1 << 20;
  private static final List<String> POOLS = List.of("images", "volumes", "vms");
  @TempDir static Path dir;
  static CephflowStack stack;
  static Rbd rbd;
  private static final List<String> ids = new ArrayList<>();

  @BeforeAll
  static void start() {
    rbd = CephTestCluster.rbd();
    stack = new CephflowStack(dir);
  }

  @AfterAll
  static void stop() {
    if (stack != null) stack.close();
  }

  private TreeSet<String> before;

  @BeforeEach
  void listTheWorld() {
    before = ServerIts.world(System.getenv("CEPHFLOW_LIBVIRT_URI"));
  }

  /**
   * Leak check after every test, passing or failing: the pools, their snapshots and trash (and
   * libvirt's domains, when the dev libvirtd is there) are as before the test; what leaked with
   * this test's ids is purged, then reported.
   */
  @AfterEach
  void nothingLeaked() {
    TreeSet<String> after = ServerIts.world(System.getenv("CEPHFLOW_LIBVIRT_URI"));
    Set<String> leftovers = ours();
    for (String name : leftovers) {
      String[] poolImage = name.split("/", 2);
      CephTestCluster.purge(new RbdRef(poolImage[0], poolImage[1]));
    }
    assertThat(leftovers).as("images left behind by this test").isEmpty();
    assertThat(after).as("pools, snapshots, trash and domains").isEqualTo(before);
  }

  @Test
  void volumesFromImageAndSnapshotByFlattenPolicyThenEverythingDeleted() throws Exception {
    String imageId = uploadImage(8 * MiB);

    // volume from a raw image: a copy-on-write clone of images/<id>@snap, grown to 16 MiB
    String v1 = newId();
    done(
        stack.post(
            "/api/v1/volumes",
            "{\"volumeId\":\""
                + v1
                + "\",\"imageId\":\""
                + imageId
                + "\",\"sizeBytes\":"
                + 16 * MiB
                + "}"));
    ImageInfo v1Info = rbd.images().stat(volume(v1));
    assertThat(v1Info.parent()).map(Object::toString).contains("images/" + imageId + "@snap");
    assertThat(v1Info.sizeBytes()).isEqualTo(16 * MiB);

    String s1 = newId();
    HttpResponse<String> snap =
        stack.post("/api/v1/volumes/" + v1 + "/snapshots", "{\"snapshotId\":\"" + s1 + "\"}");
    assertThat(snap.headers().firstValue("Location"))
        .contains("/api/v1/operations/volume-snapshot-" + s1);
    done(snap);
    String snapName = "snapshot-" + s1;
    assertThat(rbd.snapshots().list(volume(v1)))
        .filteredOn(s -> s.name().equals(snapName))
        .singleElement()
        .extracting(SnapshotInfo::isProtected)
        .isEqualTo(true);
    String snapSha = ServerIts.exportSha256(dir, "volumes/volume-" + v1 + "@" + snapName);

    String never = fromSnapshot(v1, s1, ",\"flatten\":\"never\"");
    assertThat(rbd.images().stat(volume(never)).parent())
        .map(Object::toString)
        .contains("volumes/volume-" + v1 + "@" + snapName);
    assertThat(rbd.clones().depth(volume(never))).isEqualTo(2);

    String always = fromSnapshot(v1, s1, ",\"flatten\":\"always\"");
    assertThat(rbd.images().stat(volume(always)).parent()).isEmpty();
    assertThat(ServerIts.exportSha256(dir, "volumes/volume-" + always)).isEqualTo(snapSha);

    String depth1 = fromSnapshot(v1, s1, ",\"flatten\":\"depth\",\"maxCloneDepth\":1");
    assertThat(rbd.images().stat(volume(depth1)).parent()).isEmpty();
    String depthDefault = fromSnapshot(v1, s1, "");
    assertThat(rbd.clones().depth(volume(depthDefault))).isEqualTo(2);

    String larger = fromSnapshot(v1, s1, ",\"flatten\":\"never\",\"sizeGb\":1");
    assertThat(rbd.images().stat(volume(larger)).sizeBytes()).isEqualTo(1024 * MiB);

    // the snapshot has clones: refused, naming them; nothing removed
    String refused = failed(stack.delete("/api/v1/volumes/" + v1 + "/snapshots/" + s1), "InUse");
    assertThat(refused)
        .contains("volumes/volume-" + never)
        .contains("volumes/volume-" + depthDefault)
        .contains("volumes/volume-" + larger);
    assertThat(rbd.snapshots().exists(volume(v1).snapshot(snapName))).isTrue();

    // asked again with flattenDependents (the failed delete may run again): clones become
    // independent
    done(stack.delete("/api/v1/volumes/" + v1 + "/snapshots/" + s1 + "?flattenDependents=true"));
    assertThat(rbd.snapshots().list(volume(v1))).isEmpty();
    assertThat(rbd.images().stat(volume(never)).parent()).isEmpty();
    assertThat(ServerIts.exportSha256(dir, "volumes/volume-" + never)).isEqualTo(snapSha);

    // the image still has v1 cloned from it
    assertThat(failed(stack.delete("/api/v1/images/" + imageId), "InUse"))
        .contains("volumes/volume-" + v1);

    for (String v : List.of(never, always, depth1, depthDefault, larger, v1)) {
      done(stack.delete("/api/v1/volumes/" + v));
    }
    done(stack.delete("/api/v1/images/" + imageId));
    // deleting what never existed is NotFound, and so is deleting it again
    failed(stack.delete("/api/v1/volumes/" + newId()), "NotFound");
    assertThat(failed(stack.delete("/api/v1/volumes/" + v1), "NotFound")).contains("was deleted");
    assertThat(ours()).isEmpty();
  }

  @Test
  void deletingAVolumeWithFlattenDependentsFreesItsClones() throws Exception {
    String imageId = uploadImage(4 * MiB);
    String v1 = newId();
    done(
        stack.post(
            "/api/v1/volumes", "{\"volumeId\":\"" + v1 + "\",\"imageId\":\"" + imageId + "\"}"));
    String s1 = newId();
    done(stack.post("/api/v1/volumes/" + v1 + "/snapshots", "{\"snapshotId\":\"" + s1 + "\"}"));
    String clone = fromSnapshot(v1, s1, ",\"flatten\":\"never\"");
    String sha = ServerIts.exportSha256(dir, "volumes/volume-" + clone);

    assertThat(failed(stack.delete("/api/v1/volumes/" + v1), "InUse"))
        .contains("volumes/volume-" + clone);
    done(stack.delete("/api/v1/volumes/" + v1 + "?flattenDependents=true"));
    assertThat(rbd.images().exists(volume(v1))).isFalse();
    assertThat(rbd.images().stat(volume(clone)).parent()).isEmpty();
    assertThat(ServerIts.exportSha256(dir, "volumes/volume-" + clone)).isEqualTo(sha);

    // an image whose snap has clones, deleted with flattenDependents
    String v2 = newId();
    done(
        stack.post(
            "/api/v1/volumes", "{\"volumeId\":\"" + v2 + "\",\"imageId\":\"" + imageId + "\"}"));
    done(stack.delete("/api/v1/images/" + imageId + "?flattenDependents=true"));
    assertThat(rbd.images().stat(volume(v2)).parent()).isEmpty();
    done(stack.delete("/api/v1/volumes/" + clone));
    done(stack.delete("/api/v1/volumes/" + v2));
  }

  @Test
  void badInputIsA400OrATypedFailureAndLeavesNothingBehind() throws Exception {
    String imageId = uploadImage(4 * MiB);
    Set<String> before = ours();
    String v = newId();
    assertBadRequest(
        stack.post(
            "/api/v1/volumes",
            "{\"imageId\":\""
                + imageId
                + "\",\"sourceVolumeId\":\""
                + v
                + "\",\"snapshotId\":\""
                + v
                + "\"}"),
        "exactly one source");
    assertBadRequest(
        stack.post(
            "/api/v1/volumes", "{\"imageId\":\"" + imageId + "\",\"sizeGb\":1,\"sizeBytes\":1}"),
        "not both");
    assertBadRequest(
        stack.post("/api/v1/volumes", "{\"volumeId\":\"nope\",\"imageId\":\"" + imageId + "\"}"),
        "volumeId must be a lower-case UUID");
    assertBadRequest(
        stack.post(
            "/api/v1/volumes",
            "{\"sourceVolumeId\":\""
                + v
                + "\",\"snapshotId\":\""
                + v
                + "\",\"flatten\":\"sometimes\"}"),
        "flatten must be");
    assertBadRequest(stack.delete("/api/v1/volumes/nope"), "volumeId must be a lower-case UUID");
    assertBadRequest(stack.delete("/api/v1/images/nope"), "imageId must be a lower-case UUID");
    assertBadRequest(
        stack.post("/api/v1/volumes/nope/snapshots", "{}"), "volumeId must be a lower-case UUID");

    // smaller than the image: refused before anything is created
    failed(
        stack.post(
            "/api/v1/volumes",
            "{\"volumeId\":\""
                + newId()
                + "\",\"imageId\":\""
                + imageId
                + "\",\"sizeBytes\":"
                + MiB
                + "}"),
        "InvalidRequest");
    failed(
        stack.post(
            "/api/v1/volumes",
            "{\"volumeId\":\"" + newId() + "\",\"imageId\":\"" + newId() + "\"}"),
        "NotFound");
    failed(
        stack.post(
            "/api/v1/volumes",
            "{\"volumeId\":\""
                + newId()
                + "\",\"sourceVolumeId\":\""
                + newId()
                + "\",\"snapshotId\":\""
                + newId()
                + "\"}"),
        "NotFound");
    failed(stack.post("/api/v1/volumes/" + newId() + "/snapshots", "{}"), "NotFound");
    assertThat(ours()).isEqualTo(before);
    done(stack.delete("/api/v1/images/" + imageId));
  }

  // --- helpers

  private static String newId() {
    String id = UUID.randomUUID().toString();
    ids.add(id);
    return id;
  }

  private static RbdRef volume(String volumeId) {
    return new RbdRef("volumes", "volume-" + volumeId);
  }

  private String fromSnapshot(String sourceVolumeId, String snapshotId, String extra)
      throws InterruptedException {
    String id = newId();
    done(
        stack.post(
            "/api/v1/volumes",
            "{\"volumeId\":\""
                + id
                + "\",\"sourceVolumeId\":\""
                + sourceVolumeId
                + "\",\"snapshotId\":\""
                + snapshotId
                + "\""
                + extra
                + "}"));
    return id;
  }

  private String uploadImage(long size) throws Exception {
    String id = newId();
    Path src = dir.resolve(id + ".raw");
    byte[] data = new byte[(int) size];
    new Random(size).nextBytes(data);
    Files.write(src, data);
    done(
        stack.post(
            "/api/v1/images",
            "{\"imageId\":\""
                + id
                + "\",\"name\":\"vol-it\",\"source\":\""
                + src
                + "\",\"diskFormat\":\"raw\"}"));
    return id;
  }

  private static String done(HttpResponse<String> started) throws InterruptedException {
    assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
    String body =
        stack.await(started.headers().firstValue("Location").orElseThrow(), Duration.ofMinutes(3));
    assertThat(body).as(body).contains("\"status\":\"COMPLETED\"");
    return body;
  }

  private static String failed(HttpResponse<String> started, String type)
      throws InterruptedException {
    return ServerIts.failedWith(stack, started, type);
  }

  private static void assertBadRequest(HttpResponse<String> r, String reason) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
    assertThat(r.body()).contains(reason);
  }

  /**
   * pool/name of every image that carries an id of ours. Snapshots of ours only ever live on
   * volumes of ours, so an empty answer also means no snapshot leaked. The whole pool listing
   * cannot be compared with a "before": other engineers create and delete in the same pools.
   */
  private static Set<String> ours() {
    Set<String> out = new TreeSet<>();
    for (String pool : POOLS) {
      for (String name : rbd.images().list(pool)) {
        if (ids.stream().noneMatch(name::contains)) continue;
        out.add(pool + "/" + name);
      }
    }
    return out;
  }
}
