package io.cephflow.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cephflow.ceph.CephTestCluster;
import io.cephflow.starter.client.CephflowClient;
import io.cephflow.workflows.common.RbdRef;
import io.cephflow.workflows.flatten.FlattenWorkflow;
import io.cephflow.workflows.image.DeleteImageRequest;
import io.cephflow.workflows.image.UploadImageRequest;
import io.cephflow.workflows.server.BootFromImageRequest;
import io.cephflow.workflows.server.BootFromVolumeRequest;
import io.cephflow.workflows.server.BootFromVolumeSnapshotRequest;
import io.cephflow.workflows.server.CreateImageFromServerRequest;
import io.cephflow.workflows.server.DeleteServerRequest;
import io.cephflow.workflows.volume.CreateVolumeFromImageRequest;
import io.cephflow.workflows.volume.CreateVolumeSnapshotRequest;
import io.cephflow.workflows.volume.DeleteVolumeRequest;
import io.cephflow.workflows.volume.DeleteVolumeSnapshotRequest;
import io.cephflow.workflows.volume.FlattenPolicy;
import io.cephflow.workflows.volume.VolumeFromSnapshotRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every flow, with the worker (its own process) killed by SIGKILL inside long activities, right
 * after side effects that Temporal has not recorded yet, and between steps; each time a new worker
 * takes over. After each flow the whole listing of the three pools (images, snapshots with their
 * protection, trash) and of libvirt's domains (with their state) must equal the expected end state:
 * the flow completed exactly once, nothing leaked, nothing doubled. The flows build on each other
 * (upload → boot → image from server → volumes → deletes), and the deletes bring the world back to
 * what it was before the first test.
 *
 * <p>Needs a real Temporal server (CEPHFLOW_E2E_TEMPORAL; dev/test runs it against `temporal server
 * start-dev`), the dev Ceph cluster and libvirtd; nothing else may use the cluster meanwhile, since
 * the whole pools are compared.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WorkerCrashIT {
  @TempDir static Path dir;
  static CrashHarness harness;
  static StarterApi api;
  static CephflowClient client;
  static TreeSet<String> expected;
  static final byte[] TAG = ServerIts.newTag();
  static final String RAW_IMAGE = id(), QCOW2_IMAGE = id(), SNAP_IMAGE = id();
  static final String S1 = id(), S2 = id(), S3 = id(), S4 = id();
  static final String V1 = id(), V2 = id(), V3 = id(), VSNAP = id();

  static String id() {
    return UUID.randomUUID().toString();
  }

  @BeforeAll
  static void start() throws Exception {
    harness = new CrashHarness(dir, Path.of("target", "crash-it").toAbsolutePath());
    client = harness.client();
    api = new StarterApi(harness.target(), harness.namespace(), dir);
    expected = harness.world();
  }

  @AfterAll
  static void cleanUp() {
    // what a failed test left: domains first (they hold disks), then clones before their parents
    for (String s : List.of(S1, S2, S3, S4)) ServerIts.removeDomainQuietly(harness.libvirtUri(), s);
    List<RbdRef> refs = new ArrayList<>();
    for (String s : List.of(S1, S2, S3, S4)) refs.add(new RbdRef("vms", s + "_disk"));
    for (String v : List.of(V3, V2, V1)) refs.add(new RbdRef("volumes", "volume-" + v));
    refs.add(new RbdRef("images", QCOW2_IMAGE + "_raw"));
    for (String i : List.of(SNAP_IMAGE, QCOW2_IMAGE, RAW_IMAGE)) refs.add(new RbdRef("images", i));
    refs.forEach(ServerIts::purgeQuietly);
    if (api != null) api.close();
    harness.close();
  }

  private static void expect(String... added) {
    expected.addAll(List.of(added));
    assertThat(harness.world()).isEqualTo(expected);
  }

  private static void expectGone(String... removed) {
    Set.of(removed)
        .forEach(r -> assertThat(expected.remove(r)).as("expected %s before", r).isTrue());
    assertThat(harness.world()).isEqualTo(expected);
  }

  private static String image(String id) {
    return "images/" + id;
  }

  private static String volume(String id) {
    return "volumes/volume-" + id;
  }

  private static String running(String serverId) {
    return "domain instance-" + serverId + " running";
  }

  @Test
  @Order(1)
  void uploadRaw() throws Exception {
    Path raw = ServerIts.bootDisk(dir, TAG, 16 << 20);
    harness.crashThrough(
        () ->
            client.uploadImage(
                new UploadImageRequest(RAW_IMAGE, "crash-raw", raw.toString(), "raw", null)),
        "after:CreateImage",
        "heartbeat:WriteFromSource",
        "before:ProtectSnapshot");
    expect(image(RAW_IMAGE), image(RAW_IMAGE) + "@snap (protected)");
  }

  @Test
  @Order(2)
  void uploadQcow2() throws Exception {
    Path raw = ServerIts.bootDisk(dir.resolve("big"), TAG, 48 << 20);
    Path qcow2 = dir.resolve("boot.qcow2");
    CephTestCluster.run(
        List.of(
            "qemu-img", "convert", "-f", "raw", "-O", "qcow2", raw.toString(), qcow2.toString()));
    harness.crashThrough(
        () ->
            client.uploadImage(
                new UploadImageRequest(
                    QCOW2_IMAGE, "crash-qcow2", qcow2.toString(), "qcow2", null)),
        "heartbeat:StageSource",
        "after:StageSource",
        "heartbeat:WriteStaged",
        "after:SetMetadata");
    expect(image(QCOW2_IMAGE), image(QCOW2_IMAGE) + "@snap (protected)");
  }

  @Test
  @Order(3)
  void bootFromARawImageByClone() throws Exception {
    harness.crashThrough(
        () -> client.bootFromImage(new BootFromImageRequest(S1, null, RAW_IMAGE, 0, 0, 0, false)),
        "after:CloneImage",
        "after:DefineDomain",
        "before:StartDomain");
    expect("vms/" + S1 + "_disk", running(S1));
  }

  @Test
  @Order(4)
  void bootFromAQcow2ImageByConversion() throws Exception {
    // the first boot converts the image once into its raw copy (images/<id>_raw), then clones it
    harness.crashThrough(
        () -> client.bootFromImage(new BootFromImageRequest(S2, null, QCOW2_IMAGE, 0, 0, 0, false)),
        "after:ClaimCreate",
        "after:CreateImage",
        "heartbeat:ConvertImageInto",
        "after:ProtectSnapshot",
        "after:CloneImage");
    expect(
        image(QCOW2_IMAGE) + "_raw",
        image(QCOW2_IMAGE) + "_raw@snap (protected)",
        "vms/" + S2 + "_disk",
        running(S2));
  }

  @Test
  @Order(5)
  void imageFromServerResumesTheServer() throws Exception {
    harness.crashThrough(
        () ->
            client.createImageFromServer(
                new CreateImageFromServerRequest(S2, null, SNAP_IMAGE, "crash-snap")),
        // inside the host's pause + snapshot + resume step, the guest paused, the snapshot taken
        "heartbeat:SnapshotWhilePaused",
        "after:CloneImage",
        "before:ReplaceProvenance");
    // its flatten runs in the background (the flatten manager): awaited with a clean worker, after
    // which the temporary snapshot is gone (a kill inside a flatten: the snapshot delete below)
    harness.crashThrough(() -> FlattenWorkflow.workflowId(RbdRef.image(SNAP_IMAGE)));
    expect(image(SNAP_IMAGE), image(SNAP_IMAGE) + "@snap (protected)");
  }

  @Test
  @Order(6)
  void volumeFromImage() throws Exception {
    // a clone of the raw copy the boot made: no conversion
    harness.crashThrough(
        () -> client.createVolumeFromImage(new CreateVolumeFromImageRequest(V1, QCOW2_IMAGE, 0)),
        "after:CloneImage",
        "after:ReplaceProvenance");
    expect(volume(V1));
  }

  @Test
  @Order(7)
  void volumeSnapshot() throws Exception {
    harness.crashThrough(
        () -> client.createVolumeSnapshot(new CreateVolumeSnapshotRequest(V1, VSNAP)),
        "after:CreateSnapshot",
        "after:ProtectSnapshot");
    expect(volume(V1) + "@snapshot-" + VSNAP + " (protected)");
  }

  @Test
  @Order(8)
  void volumeFromSnapshotFlattened() throws Exception {
    harness.crashThrough(
        () ->
            client.createVolumeFromSnapshot(
                new VolumeFromSnapshotRequest(V2, V1, VSNAP, 0, FlattenPolicy.ALWAYS, 0)),
        "after:CloneImage",
        "heartbeat:FlattenImage");
    expect(volume(V2));
  }

  @Test
  @Order(9)
  void bootFromVolume() throws Exception {
    harness.crashThrough(
        () -> client.bootFromVolume(new BootFromVolumeRequest(S3, null, V2, 0, 0)),
        "after:StatImage",
        "after:DefineDomain");
    expect(running(S3));
  }

  @Test
  @Order(10)
  void bootFromVolumeSnapshotThroughItsChildWorkflow() throws Exception {
    harness.crashThrough(
        () ->
            client.bootFromVolumeSnapshot(
                new BootFromVolumeSnapshotRequest(S4, null, V1, VSNAP, V3, 0, 0, 0)),
        "after:CloneImage",
        "before:StartDomain");
    expect(volume(V3), running(S4));
  }

  @Test
  @Order(11)
  void anAuditFindsEveryObjectTheFlowsMadeOwnedAndNothingLeftOver() throws Exception {
    auditFindsExactlyTheFlowsObjectsOwned();
  }

  @Test
  @Order(12)
  void deleteServers() throws Exception {
    harness.crashThrough(
        () -> client.deleteServer(new DeleteServerRequest(S1, null, 1)),
        "after:DestroyDomain",
        "before:UndefineDomain",
        "after:RemoveImage");
    expectGone("vms/" + S1 + "_disk", running(S1));
    harness.crashThrough(
        () -> client.deleteServer(new DeleteServerRequest(S2, null, 1)), "after:UndefineDomain");
    expectGone("vms/" + S2 + "_disk", running(S2));
    harness.crashThrough(() -> client.deleteServer(new DeleteServerRequest(S3, null, 1)));
    harness.crashThrough(() -> client.deleteServer(new DeleteServerRequest(S4, null, 1)));
    expectGone(running(S3), running(S4));
  }

  @Test
  @Order(13)
  void deleteTheVolumeSnapshotFlatteningItsClone() throws Exception {
    harness.crashThrough(
        () -> client.deleteVolumeSnapshot(new DeleteVolumeSnapshotRequest(V1, VSNAP, true)),
        "heartbeat:FlattenImage",
        "after:UnprotectSnapshot");
    expectGone(volume(V1) + "@snapshot-" + VSNAP + " (protected)");
  }

  @Test
  @Order(14)
  void deleteVolumesAndImages() throws Exception {
    harness.crashThrough(
        () -> client.deleteVolume(new DeleteVolumeRequest(V3, false)), "after:DeleteImage");
    harness.crashThrough(() -> client.deleteVolume(new DeleteVolumeRequest(V2, false)));
    harness.crashThrough(() -> client.deleteVolume(new DeleteVolumeRequest(V1, false)));
    expectGone(volume(V3), volume(V2), volume(V1));
    harness.crashThrough(
        () -> client.deleteImage(new DeleteImageRequest(SNAP_IMAGE, false)),
        "after:UnprotectSnapshot",
        "after:RemoveSnapshot");
    harness.crashThrough(() -> client.deleteImage(new DeleteImageRequest(QCOW2_IMAGE, false)));
    harness.crashThrough(() -> client.deleteImage(new DeleteImageRequest(RAW_IMAGE, false)));
    expectGone(
        image(SNAP_IMAGE),
        image(SNAP_IMAGE) + "@snap (protected)",
        image(QCOW2_IMAGE),
        image(QCOW2_IMAGE) + "@snap (protected)",
        image(QCOW2_IMAGE) + "_raw",
        image(QCOW2_IMAGE) + "_raw@snap (protected)",
        image(RAW_IMAGE),
        image(RAW_IMAGE) + "@snap (protected)");
  }

  @Test
  @Order(15)
  void afterTheDeletesAnAuditFindsNothingOfTheRun() throws Exception {
    auditFindsExactlyTheFlowsObjectsOwned();
  }

  static final List<String> IDS =
      List.of(RAW_IMAGE, QCOW2_IMAGE, SNAP_IMAGE, S1, S2, S3, S4, V1, V2, V3, VSNAP);

  /**
   * A scoped audit (a dry run through the API, with a clean worker) of this test's ids: no orphan,
   * no dangling record, no stale in-use; every object of the run there is (in the listing of the
   * pools and libvirt, the console logs, the scratch area) is found, owned; a record only shows
   * when it is not consistent.
   */
  private static void auditFindsExactlyTheFlowsObjectsOwned() throws Exception {
    JsonNode result = harness.withCleanWorker(() -> api.audit(false, IDS));
    assertThat(StarterApi.leaksOf(result)).as("the leftovers of the crashed flows").isEmpty();
    TreeMap<String, String> owned = new TreeMap<>();
    for (String w : harness.world()) {
      if (IDS.stream().noneMatch(w::contains)) continue;
      if (w.startsWith("domain ")) owned.put(w.split(" ")[1], "OWNED");
      else if (w.startsWith("trash ")) {
        String[] f = w.split("[: ]+"); // trash <pool>: <id> <name>
        owned.put(f[1] + "/" + f[2], "OWNED");
      } else owned.put(w.replace(" (protected)", ""), "OWNED");
    }
    for (Path d : List.of(harness.consoleDir(), harness.scratchDir())) {
      if (!Files.isDirectory(d)) continue;
      try (var files = Files.list(d)) {
        files
            .map(f -> f.getFileName().toString())
            .filter(n -> IDS.stream().anyMatch(n::contains))
            .forEach(n -> owned.put(n, "OWNED"));
      }
    }
    assertThat(StarterApi.categories(result)).isEqualTo(owned);
  }
}
