package io.cephflow.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.cephflow.starter.client.OperationStatus;
import io.cephflow.workflows.image.UploadImageRequest;
import io.temporal.api.filter.v1.WorkflowExecutionFilter;
import io.temporal.api.workflowservice.v1.ListClosedWorkflowExecutionsRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Temporal server (start-dev, SQLite state) killed in the middle of an upload's write and
 * started again on the same file ten seconds later: the worker, never restarted, reconnects by
 * itself, and the upload completes exactly once (one closed execution, one image with the file's
 * bytes and its one protected snapshot, its record AVAILABLE, nothing else named by the run). The
 * server is the test's own, on a port of its own; the dev Ceph cluster and libvirtd are the shared
 * ones; the `temporal` CLI must be installed (dev/setup.sh does).
 */
class TemporalRestartIT {
  static final String RUN = FaultIts.runPrefix();
  static final String IMAGE = FaultIts.id(RUN);
  @TempDir static Path dir;
  static TemporalDevServer temporal;
  static CrashHarness harness;

  @AfterAll
  static void cleanUp() throws Exception {
    FaultIts.purge(List.of(IMAGE));
    FaultIts.removeRecords(RUN);
    if (harness != null) harness.close();
    if (temporal != null) temporal.close();
  }

  @Test
  void anUploadMidWriteCompletesExactlyOnceAfterTheServerRestarts() throws Exception {
    Path work = Path.of("target", "temporal-restart-it").toAbsolutePath();
    Files.createDirectories(work);
    Path db = work.resolve("temporal-" + RUN + ".db");
    temporal = new TemporalDevServer(FaultIts.freePort(), db).start();
    harness = new CrashHarness(dir, work.resolve("run"), temporal.target(), "default");
    Process worker = harness.startWorker(null, "fault-temporal-" + RUN);

    int size = 32 << 20;
    Path raw = ServerIts.bootDisk(dir, ServerIts.newTag(), size);
    try (SlowSource source = new SlowSource(raw, 2 << 20)) { // 16 s of writing
      String op =
          harness
              .client()
              .uploadImage(
                  new UploadImageRequest(
                      IMAGE, "temporal-restart", source.url("disk.raw"), "raw", null));
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
      while (source.sent() < size / 4) {
        assertThat(System.nanoTime())
            .as("the upload never started reading; log %s", harness.log(worker))
            .isLessThan(deadline);
        Thread.sleep(100);
      }
      temporal.kill();
      long sentAtKill = source.sent();
      Thread.sleep(10_000);
      assertThat(source.sent())
          .as("the write goes on while Temporal is down")
          .isGreaterThan(sentAtKill);
      temporal.start();

      OperationStatus done = harness.client().await(op, 4, TimeUnit.MINUTES);
      assertThat(done.status()).as("%s", done).isEqualTo("COMPLETED");
      assertThat(worker.isAlive()).as("the same worker, never restarted").isTrue();
      System.out.printf(
          "temporal restart: %d MiB sent at the kill, %d GET(s) of the source%n",
          sentAtKill >> 20, source.gets());
    }
    assertThat(closedRuns("image-upload-" + IMAGE))
        .as("closed executions of the upload")
        .isEqualTo(1);
    assertThat(FaultIts.world(harness.libvirtUri(), RUN))
        .isEqualTo(
            new TreeSet<>(List.of("images/" + IMAGE, "images/" + IMAGE + "@snap (protected)")));
    assertThat(ServerIts.exportSha256(dir, "images/" + IMAGE)).isEqualTo(ServerIts.sha256(raw));
    assertThat(FaultIts.records(RUN)).containsExactly("images/image." + IMAGE);
    assertThat(FaultIts.record("images", "image." + IMAGE)).contains("\"state\":\"AVAILABLE\"");
    Path scratch = harness.stateDir("fault-temporal-" + RUN).resolve("scratch");
    if (Files.isDirectory(scratch)) {
      try (var files = Files.list(scratch)) {
        assertThat(files.toList()).as("scratch files").isEmpty();
      }
    }
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
