package io.cephflow.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.cephflow.ceph.CephTestCluster;
import io.cephflow.starter.client.CephflowClient;
import io.cephflow.starter.client.OperationStatus;
import io.cephflow.workflows.common.RbdRef;
import io.cephflow.workflows.image.UploadImageRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two worker processes of two hosts, each with its own scratch area, polling one storage queue, as
 * a DaemonSet over two nodes runs them: a non-raw upload is staged on one host, and vetting and
 * writing the staged file must happen there, whichever worker takes the flow's other steps; when
 * that host's worker dies, the steps wait for it instead of failing elsewhere. Worker processes
 * need a real Temporal server, like the crash test.
 */
class TwoHostsCrashIT {
  @TempDir static Path dir;
  static CrashHarness harness;
  static CephflowClient client;
  static Path qcow2;
  static TreeSet<String> before;
  final List<String> images = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    harness = new CrashHarness(dir, Path.of("target", "two-hosts-it").toAbsolutePath());
    client = harness.client();
    Path raw = ServerIts.bootDisk(dir.resolve("disk"), ServerIts.newTag(), 24 << 20);
    qcow2 = dir.resolve("disk.qcow2");
    CephTestCluster.run(
        List.of(
            "qemu-img", "convert", "-f", "raw", "-O", "qcow2", raw.toString(), qcow2.toString()));
    before = harness.world();
  }

  @AfterEach
  void stopWorkersAndRemoveImages() throws Exception {
    harness.stopAll();
    images.forEach(id -> ServerIts.purgeQuietly(new RbdRef("images", id)));
  }

  /** The images each test made were removed after it: the cluster is as it was. */
  @AfterAll
  static void nothingElseChangedAndStop() {
    if (harness == null) return;
    try {
      assertThat(harness.world()).isEqualTo(before);
    } finally {
      harness.close();
    }
  }

  private String upload() {
    String id = UUID.randomUUID().toString();
    images.add(id);
    return client.uploadImage(
        new UploadImageRequest(id, "two-hosts", qcow2.toString(), "qcow2", null));
  }

  /** Every upload completed with the file's exact bytes; no scratch file is left on either host. */
  private void assertUploaded(List<String> ops) throws Exception {
    for (String op : ops) {
      OperationStatus s = client.await(op, 3, TimeUnit.MINUTES);
      assertThat(s.status()).as("%s: %s", op, s).isEqualTo("COMPLETED");
    }
    String expected = ServerIts.sha256(qcow2);
    for (String id : images)
      assertThat(ServerIts.exportSha256(dir, "images/" + id)).as(id).isEqualTo(expected);
    for (String host : List.of("node-a", "node-b")) {
      assertThat(scratchFiles(host)).as("scratch area of %s", host).isEmpty();
    }
  }

  private static List<String> scratchFiles(String host) throws Exception {
    Path scratch = harness.stateDir(host).resolve("scratch");
    if (!Files.isDirectory(scratch)) return List.of();
    try (Stream<Path> files = Files.list(scratch)) {
      return files.map(p -> p.getFileName().toString()).toList();
    }
  }

  @Test
  void parallelUploadsAreVettedAndWrittenOnTheHostThatStagedThem() throws Exception {
    harness.startWorker(null, "node-a");
    harness.startWorker(null, "node-b");
    List<String> ops = new ArrayList<>();
    for (int i = 0; i < 6; i++) ops.add(upload());
    assertUploaded(ops);
  }

  @Test
  void whenTheStagingHostDiesItsStepsWaitForItWhileTheOtherHostRuns() throws Exception {
    // node-a alone takes the flow, stages the file and dies before Temporal records it
    Process a = harness.startWorker("after:StageSource", "node-a");
    String op = upload();
    harness.awaitSuicide(a, op, "after:StageSource");
    harness.startWorker(null, "node-b");
    // node-b polls the storage queue, but the retried staging belongs to node-a's queue
    Thread.sleep(8_000);
    assertThat(client.status(op).status()).isEqualTo("RUNNING");
    harness.startWorker(null, "node-a");
    assertUploaded(List.of(op));
  }
}
