package io.cephflow.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.cephflow.ceph.CephTestCluster;
import io.cephflow.starter.client.CephflowClient;
import io.cephflow.starter.client.OperationStatus;
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
import io.temporal.api.filter.v1.WorkflowExecutionFilter;
import io.temporal.api.workflowservice.v1.ListClosedWorkflowExecutionsRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Temporal server (start-dev, SQLite state) killed by SIGKILL while every flow type stands in
 * its middle, and started again on the same file ten seconds later; three times: under the creates,
 * then twice under deletes. The worker (its own process, never restarted) reconnects by itself.
 *
 * <p>A few flows first make what the others start from (two images, a raw and a qcow2, two volumes
 * and a snapshot, a server). Then the creates start at once, each held at a known step by the
 * worker's {@code StepGate} (test code): a boot by clone after DefineDomain, a boot by conversion
 * before ConvertImageInto (a long, heartbeating step), an image from a server after CreateSnapshot
 * (its VM paused), a volume from an image after CloneImage, a boot from a volume before
 * StartDomain, a volume snapshot after CreateSnapshot, a flattened volume from a snapshot before
 * FlattenImage, a boot from a volume snapshot with its child flow after CloneImage; and an upload
 * from a rate-limited HTTP source a quarter into its write. "After" is a step whose side effect is
 * done and whose result has not reached Temporal. The server is killed while they are held, the
 * gate opens (the held steps finish while the server is away), the server comes back. Then the
 * deletes (servers, volumes, a volume snapshot, an image) the same way, in two phases (a server
 * booted from a volume snapshot held before its volume's Detach); what is left is deleted without
 * faults, and nothing of the run stays.
 *
 * <p>After each phase, for every flow: one execution of its workflow id, closed COMPLETED; what the
 * run's ids name in the pools (images, snapshots with protection, trash) and libvirt (domains with
 * state) is exactly the expected set; so are its resource records and their states.
 *
 * <p>The server is the test's own, on a port of its own; the dev Ceph cluster and libvirtd are the
 * shared ones; the `temporal` CLI must be installed (dev/setup.sh does).
 */
class TemporalRestartIT {
  static final String RUN = FaultIts.runPrefix();
  // made first: the raw and the qcow2 image, two volumes of the raw one, a snapshot, a server
  static final String RAW = FaultIts.id(RUN), QCOW2 = FaultIts.id(RUN);
  static final String VA = FaultIts.id(RUN), VB = FaultIts.id(RUN), SNAP0 = FaultIts.id(RUN);
  static final String S0 = FaultIts.id(RUN);
  // the creates under the first restart
  static final String UPLOADED = FaultIts.id(RUN), FROM_SERVER = FaultIts.id(RUN);
  static final String S1 = FaultIts.id(RUN), S2 = FaultIts.id(RUN), S3 = FaultIts.id(RUN);
  static final String S4 = FaultIts.id(RUN);
  static final String V1 = FaultIts.id(RUN), V2 = FaultIts.id(RUN), V3 = FaultIts.id(RUN);
  static final String SNAP1 = FaultIts.id(RUN);
  static final List<String> SERVERS = List.of(S0, S1, S2, S3, S4);

  @TempDir static Path dir;
  static TemporalDevServer temporal;
  static CrashHarness harness;
  static CephflowClient client;
  static Path gate;
  static Process worker;

  /** Every workflow id the run started (and the flows they started), with its flow's result. */
  static final Map<String, OperationStatus> done = new LinkedHashMap<>();

  @AfterAll
  static void cleanUp() throws Exception {
    if (harness != null) {
      for (String s : SERVERS) ServerIts.removeDomainQuietly(harness.libvirtUri(), s);
    }
    // clones before their parents
    List<String> images = new ArrayList<>();
    for (String s : SERVERS) images.add("vms/" + s + "_disk");
    images.add(image(FROM_SERVER));
    for (String v : List.of(V3, V2, V1, VA, VB)) images.add(volume(v));
    for (String i : List.of(QCOW2 + "_raw", QCOW2, RAW, UPLOADED)) images.add(image(i));
    images.forEach(FaultIts::purgeImage);
    FaultIts.removeRecords(RUN);
    if (harness != null) harness.close();
    if (temporal != null) temporal.close();
  }

  @Test
  void everyFlowMidwayCompletesExactlyOnceAcrossThreeServerRestarts() throws Exception {
    Path work = Path.of("target", "temporal-restart-it").toAbsolutePath();
    Files.createDirectories(work);
    Path db = work.resolve("temporal-" + RUN + ".db");
    temporal = new TemporalDevServer(FaultIts.freePort(), db).start();
    harness = new CrashHarness(dir, work.resolve("run"), temporal.target(), "default");
    client = harness.client();
    gate = Files.createDirectories(work.resolve("gate-" + RUN));
    List<String> args = new ArrayList<>(List.of("--cephflow.faults.gate-dir=" + gate));
    // nothing is killed here: a held step's attempt must not time out while the server is away
    // (the others keep the harness's 15 s, so a stuck attempt is retried soon)
    for (String t :
        List.of(
            "CloneImage",
            "CreateSnapshot",
            "DeleteImage",
            "UnprotectSnapshot",
            "RemoveSnapshot",
            "RemoveImage",
            "Detach",
            "DefineDomain",
            "StartDomain",
            "DestroyDomain",
            "UndefineDomain")) args.add("--cephflow.activities.types." + t + ".start-to-close=60s");
    worker = harness.startWorker(null, null, args);
    long t0 = System.nanoTime();

    TreeSet<String> expected = setUp();
    System.out.printf("temporal restart: set up in %d s%n", seconds(t0));

    long t1 = System.nanoTime();
    expected = creates(expected);
    System.out.printf("temporal restart: creates in %d s%n", seconds(t1));

    long t2 = System.nanoTime();
    expected = deletes(expected);
    System.out.printf("temporal restart: deletes in %d s%n", seconds(t2));

    long t3 = System.nanoTime();
    deleteTheRest(expected);
    System.out.printf("temporal restart: the other deletes in %d s%n", seconds(t3));

    assertThat(worker.isAlive()).as("the same worker, never restarted").isTrue();
    for (String op : done.keySet()) {
      assertThat(closedRuns(op)).as("closed executions of %s", op).isEqualTo(1);
    }
    Path scratch = harness.stateDir(null).resolve("scratch");
    if (Files.isDirectory(scratch)) {
      try (var files = Files.list(scratch)) {
        assertThat(files.toList()).as("scratch files").isEmpty();
      }
    }
  }

  /** Without faults: what the flows under the restarts start from. */
  private TreeSet<String> setUp() throws Exception {
    byte[] tag = ServerIts.newTag();
    Path raw = ServerIts.bootDisk(dir, tag, 16 << 20);
    Path qcow2 = dir.resolve("boot.qcow2");
    CephTestCluster.run(
        List.of(
            "qemu-img", "convert", "-f", "raw", "-O", "qcow2", raw.toString(), qcow2.toString()));
    completeAll(
        List.of(
            client.uploadImage(
                new UploadImageRequest(RAW, "restart-raw", raw.toString(), "raw", null)),
            client.uploadImage(
                new UploadImageRequest(QCOW2, "restart-qcow2", qcow2.toString(), "qcow2", null))));
    completeAll(
        List.of(
            client.createVolumeFromImage(new CreateVolumeFromImageRequest(VA, RAW, 0)),
            client.createVolumeFromImage(new CreateVolumeFromImageRequest(VB, RAW, 0)),
            client.bootFromImage(new BootFromImageRequest(S0, null, RAW, 0, 0, 0, false))));
    completeAll(List.of(client.createVolumeSnapshot(new CreateVolumeSnapshotRequest(VB, SNAP0))));
    TreeSet<String> expected =
        new TreeSet<>(
            List.of(
                image(RAW),
                image(RAW) + "@snap (protected)",
                image(QCOW2),
                image(QCOW2) + "@snap (protected)",
                volume(VA),
                volume(VB),
                volume(VB) + "@snapshot-" + SNAP0 + " (protected)",
                "vms/" + S0 + "_disk",
                running(S0)));
    assertThat(FaultIts.world(harness.libvirtUri(), RUN)).isEqualTo(expected);
    return expected;
  }

  /** Phase 1: every create held in its middle, the server killed, the gate opened, restarted. */
  private TreeSet<String> creates(TreeSet<String> before) throws Exception {
    Map<String, String> held = new LinkedHashMap<>();
    held.put("server-boot-" + S1, "after:DefineDomain"); // boot by clone
    held.put("server-boot-" + S2, "before:ConvertImageInto"); // boot by conversion (raw copy)
    held.put("image-from-server-" + FROM_SERVER, "after:CreateSnapshot"); // its VM paused
    held.put("volume-create-" + V1, "after:CloneImage"); // volume from image
    held.put("server-boot-" + S3, "before:StartDomain"); // boot from volume
    held.put("volume-snapshot-" + SNAP1, "after:CreateSnapshot");
    held.put("volume-create-" + V2, "before:FlattenImage"); // volume from snapshot, flattened
    held.put("volume-create-" + V3, "after:CloneImage"); // the child of a boot from a snapshot
    arm(held);
    List<String> ops =
        new ArrayList<>(
            List.of(
                client.bootFromImage(new BootFromImageRequest(S1, null, RAW, 0, 0, 0, false)),
                client.bootFromImage(new BootFromImageRequest(S2, null, QCOW2, 0, 0, 0, false)),
                client.createImageFromServer(
                    new CreateImageFromServerRequest(S0, null, FROM_SERVER, "restart-from-server")),
                client.createVolumeFromImage(new CreateVolumeFromImageRequest(V1, RAW, 0)),
                client.bootFromVolume(new BootFromVolumeRequest(S3, null, VA, 0, 0)),
                client.createVolumeSnapshot(new CreateVolumeSnapshotRequest(VB, SNAP1)),
                client.createVolumeFromSnapshot(
                    new VolumeFromSnapshotRequest(V2, VB, SNAP0, 0, FlattenPolicy.ALWAYS, 0)),
                client.bootFromVolumeSnapshot(
                    new BootFromVolumeSnapshotRequest(S4, null, VB, SNAP0, V3, 0, 0, 0))));
    awaitHeld(held);

    int size = 32 << 20;
    Path raw = ServerIts.bootDisk(dir.resolve("slow"), ServerIts.newTag(), size);
    try (SlowSource source = new SlowSource(raw, 2 << 20)) { // 16 s of writing
      ops.add(
          client.uploadImage(
              new UploadImageRequest(
                  UPLOADED, "restart-upload", source.url("disk.raw"), "raw", null)));
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
      while (source.sent() < size / 4) {
        assertThat(System.nanoTime())
            .as("the upload never started reading; log %s", harness.log(worker))
            .isLessThan(deadline);
        Thread.sleep(100);
      }
      long sentAtKill = restart(source);
      System.out.printf(
          "temporal restart: %d MiB of %d sent at the kill, %d GET(s) of the source%n",
          sentAtKill >> 20, size >> 20, source.gets());
      assertThat(sentAtKill).as("the upload was mid-write at the kill").isLessThan(size);
      completeAll(ops);
    }
    // the image from the server is detached from the server's disk in the background
    String flatten = FlattenWorkflow.workflowId(RbdRef.image(FROM_SERVER));
    completeAll(List.of(flatten));
    // the boot from the volume snapshot made its volume through a child flow of its own id
    completeAll(List.of("volume-create-" + V3));

    TreeSet<String> expected = new TreeSet<>(before);
    expected.addAll(
        List.of(
            image(UPLOADED),
            image(UPLOADED) + "@snap (protected)",
            "vms/" + S1 + "_disk",
            running(S1),
            image(QCOW2 + "_raw"),
            image(QCOW2 + "_raw") + "@snap (protected)",
            "vms/" + S2 + "_disk",
            running(S2),
            image(FROM_SERVER),
            image(FROM_SERVER) + "@snap (protected)",
            volume(V1),
            running(S3),
            volume(VB) + "@snapshot-" + SNAP1 + " (protected)",
            volume(V2),
            volume(V3),
            running(S4)));
    assertThat(FaultIts.world(harness.libvirtUri(), RUN)).isEqualTo(expected);
    assertThat(ServerIts.exportSha256(dir, image(UPLOADED))).isEqualTo(ServerIts.sha256(raw));
    assertThat(parentOf(volume(V2))).as("V2 was flattened").isEmpty();
    assertThat(parentOf(image(FROM_SERVER))).as("the image from the server, detached").isEmpty();
    Map<String, String> records = recordStates();
    System.out.println("temporal restart: records after the creates " + records);
    assertThat(records).isEqualTo(expectedRecords(List.of(), List.of(VA, V3)));
    return expected;
  }

  /** Phase 2: deletes of every kind held in their middle, the server killed and restarted. */
  private TreeSet<String> deletes(TreeSet<String> before) throws Exception {
    Map<String, String> held = new LinkedHashMap<>();
    held.put("server-delete-" + S1, "after:UndefineDomain"); // its disk still there
    held.put("server-delete-" + S3, "after:DestroyDomain"); // booted from a volume: detached
    held.put("volume-delete-" + V1, "after:DeleteImage");
    held.put("volume-snapshot-delete-" + SNAP1, "after:UnprotectSnapshot");
    held.put("image-delete-" + UPLOADED, "after:RemoveSnapshot");
    heldAcrossARestart(
        held,
        () ->
            List.of(
                client.deleteServer(new DeleteServerRequest(S1, null, 1)),
                client.deleteServer(new DeleteServerRequest(S3, null, 1)),
                client.deleteVolume(new DeleteVolumeRequest(V1, false)),
                client.deleteVolumeSnapshot(new DeleteVolumeSnapshotRequest(VB, SNAP1, false)),
                client.deleteImage(new DeleteImageRequest(UPLOADED, false))));
    TreeSet<String> expected =
        without(
            before,
            "vms/" + S1 + "_disk",
            running(S1),
            running(S3),
            volume(V1),
            volume(VB) + "@snapshot-" + SNAP1 + " (protected)",
            image(UPLOADED),
            image(UPLOADED) + "@snap (protected)");
    assertThat(FaultIts.world(harness.libvirtUri(), RUN)).isEqualTo(expected);
    Map<String, String> records = recordStates();
    System.out.println("temporal restart: records after the deletes " + records);
    assertThat(records)
        .isEqualTo(
            expectedRecords(
                List.of(
                    "server." + S1,
                    "server." + S3,
                    "volume." + V1,
                    "snapshot." + SNAP1,
                    "image." + UPLOADED),
                List.of(V3)));
    return expected;
  }

  /**
   * Phase 3: the other servers (one booted from a volume snapshot: its volume detached across the
   * restart), the image from the server and the flattened volume, held and restarted as above;
   * then, without faults, what is left, in an order their clones allow: nothing of the run stays.
   */
  private void deleteTheRest(TreeSet<String> before) throws Exception {
    Map<String, String> held = new LinkedHashMap<>();
    held.put("server-delete-" + S0, "before:UndefineDomain");
    held.put("server-delete-" + S2, "after:RemoveImage"); // a clone of the qcow2's raw copy
    held.put("server-delete-" + S4, "before:Detach"); // its volume, made from a snapshot
    held.put("image-delete-" + FROM_SERVER, "after:DeleteImage");
    held.put("volume-delete-" + V2, "before:DeleteImage");
    heldAcrossARestart(
        held,
        () ->
            List.of(
                client.deleteServer(new DeleteServerRequest(S0, null, 1)),
                client.deleteServer(new DeleteServerRequest(S2, null, 1)),
                client.deleteServer(new DeleteServerRequest(S4, null, 1)),
                client.deleteImage(new DeleteImageRequest(FROM_SERVER, false)),
                client.deleteVolume(new DeleteVolumeRequest(V2, false))));
    TreeSet<String> expected =
        without(
            before,
            "vms/" + S0 + "_disk",
            running(S0),
            "vms/" + S2 + "_disk",
            running(S2),
            running(S4),
            image(FROM_SERVER),
            image(FROM_SERVER) + "@snap (protected)",
            volume(V2));
    assertThat(FaultIts.world(harness.libvirtUri(), RUN)).isEqualTo(expected);
    assertThat(recordStates())
        .isEqualTo(
            expectedRecords(
                List.of(
                    "server." + S0,
                    "server." + S1,
                    "server." + S2,
                    "server." + S3,
                    "server." + S4,
                    "volume." + V1,
                    "volume." + V2,
                    "snapshot." + SNAP1,
                    "image." + UPLOADED,
                    "image." + FROM_SERVER),
                List.of()));

    completeAll(
        List.of(
            client.deleteVolume(new DeleteVolumeRequest(V3, false)),
            client.deleteVolume(new DeleteVolumeRequest(VA, false)),
            client.deleteImage(new DeleteImageRequest(QCOW2, false))));
    completeAll(List.of(client.deleteVolume(new DeleteVolumeRequest(VB, false))));
    completeAll(List.of(client.deleteImage(new DeleteImageRequest(RAW, false))));
    assertThat(FaultIts.world(harness.libvirtUri(), RUN)).as("what the run left").isEmpty();
    Map<String, String> records = recordStates();
    assertThat(records.keySet()).isEqualTo(expectedRecords(List.of(), List.of()).keySet());
    assertThat(new TreeSet<>(records.values())).as("record states").containsExactly("DELETED");
  }

  /**
   * Arms {@code held}, starts the flows, restarts the server once every one is held, and waits for
   * them all to complete.
   */
  private static void heldAcrossARestart(Map<String, String> held, Callable<List<String>> start)
      throws Exception {
    arm(held);
    List<String> ops = start.call();
    awaitHeld(held);
    restart(null);
    completeAll(ops);
  }

  /** {@code before} less {@code gone}, each of which must have been in it. */
  private static TreeSet<String> without(TreeSet<String> before, String... gone) {
    TreeSet<String> left = new TreeSet<>(before);
    for (String g : gone) assertThat(left.remove(g)).as("%s was there", g).isTrue();
    return left;
  }

  /** The held steps of this phase: {@code workflowId → before|after:ActivityType}. */
  private static void arm(Map<String, String> held) throws Exception {
    Files.deleteIfExists(gate.resolve("open"));
    List<String> lines = new ArrayList<>();
    held.forEach((workflowId, point) -> lines.add(point + "@" + workflowId));
    Files.write(gate.resolve("rules"), lines);
  }

  private static void awaitHeld(Map<String, String> held) throws Exception {
    Path dir = gate.resolve("held");
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    for (var e : held.entrySet()) {
      Path marker = dir.resolve(e.getKey() + "~" + e.getValue().replace(':', '-'));
      while (!Files.exists(marker)) {
        assertThat(System.nanoTime())
            .as("%s never reached %s; log %s", e.getKey(), e.getValue(), harness.log(worker))
            .isLessThan(deadline);
        Thread.sleep(100);
      }
    }
  }

  /**
   * SIGKILL of the server while the flows are held; the gate opens (the held steps finish, their
   * results wait for the server); 10 s later the server starts again on its file. Returns the bytes
   * an upload had sent at the kill, if one runs.
   */
  private static long restart(SlowSource upload) throws Exception {
    temporal.kill();
    long sentAtKill = upload == null ? 0 : upload.sent();
    Files.createFile(gate.resolve("open"));
    Thread.sleep(10_000);
    if (upload != null) {
      assertThat(upload.sent())
          .as("the write goes on while Temporal is down")
          .isGreaterThan(sentAtKill);
    }
    temporal.start();
    return sentAtKill;
  }

  private static void completeAll(List<String> ops) {
    for (String op : ops) {
      OperationStatus s = client.await(op, 4, TimeUnit.MINUTES);
      assertThat(s.status())
          .as("%s: %s; log %s", op, s, harness.log(worker))
          .isEqualTo("COMPLETED");
      done.put(op, s);
    }
  }

  /** The run's resource records, {@code pool/kind.id → state}. */
  private static Map<String, String> recordStates() {
    Map<String, String> out = new TreeMap<>();
    Pattern state = Pattern.compile("\"state\":\"(\\w+)\"");
    for (String r : FaultIts.records(RUN)) {
      int slash = r.indexOf('/');
      Matcher m = state.matcher(FaultIts.record(r.substring(0, slash), r.substring(slash + 1)));
      out.put(r, m.find() ? m.group(1) : "(no state)");
    }
    return out;
  }

  /**
   * Every record of the run AVAILABLE but the {@code deleted} ({@code kind.id}) and the volumes a
   * server boots from ({@code inUse}, IN_USE); the qcow2 image's raw copy has its own.
   */
  private static Map<String, String> expectedRecords(List<String> deleted, List<String> inUse) {
    Map<String, String> out = new TreeMap<>();
    for (String i : List.of(RAW, QCOW2, UPLOADED, FROM_SERVER)) out.put("images/image." + i, "");
    for (String s : SERVERS) out.put("vms/server." + s, "");
    for (String v : List.of(VA, VB, V1, V2, V3)) out.put("volumes/volume." + v, "");
    for (String s : List.of(SNAP0, SNAP1)) out.put("volumes/snapshot." + s, "");
    out.put("images/rawcopy." + QCOW2, "");
    out.replaceAll(
        (k, v) -> {
          String key = k.substring(k.indexOf('/') + 1);
          if (deleted.contains(key)) return "DELETED";
          return inUse.stream().anyMatch(id -> key.equals("volume." + id)) ? "IN_USE" : "AVAILABLE";
        });
    return out;
  }

  private static String parentOf(String image) {
    String info = CephTestCluster.rbdCli("info", image);
    Matcher m = Pattern.compile("parent: (\\S+)").matcher(info);
    return m.find() ? m.group(1) : "";
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

  private static long seconds(long since) {
    return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - since);
  }

  private static int closedRuns(String workflowId) {
    WorkflowServiceStubs stubs =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget(temporal.target()).build());
    try {
      return stubs
          .blockingStub()
          .listClosedWorkflowExecutions(
              ListClosedWorkflowExecutionsRequest.newBuilder()
                  .setNamespace("default")
                  .setMaximumPageSize(100)
                  .setExecutionFilter(
                      WorkflowExecutionFilter.newBuilder().setWorkflowId(workflowId))
                  .build())
          .getExecutionsCount();
    } finally {
      stubs.shutdown();
    }
  }
}
