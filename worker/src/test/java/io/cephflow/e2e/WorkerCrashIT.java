package io.cephflow.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.cephflow.ceph.CephTestCluster;
import io.cephflow.ceph.ImageRef;
import io.cephflow.starter.client.CephflowClient;
import io.cephflow.starter.client.OperationStatus;
import io.cephflow.workflows.image.UploadImageRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.File;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker as its own process, killed with SIGKILL in the middle of the long write and
 * restarted: the upload finishes exactly once, with the right bytes. Needs a real Temporal
 * server (CEPHFLOW_E2E_TEMPORAL, run by dev/test against `temporal server start-dev`).
 */
class WorkerCrashIT {
  @TempDir Path dir;
  private final List<Process> workers = new ArrayList<>();

  @AfterEach
  void stopWorkers() {
    workers.forEach(Process::destroyForcibly);
  }

  @Test
  void aWorkerKilledInTheMiddleOfTheWriteIsReplacedAndTheUploadCompletesOnce() throws Exception {
    String target = System.getenv("CEPHFLOW_E2E_TEMPORAL");
    String namespace = System.getenv().getOrDefault("CEPHFLOW_E2E_NAMESPACE", "default");
    if (target == null) throw new IllegalStateException("set CEPHFLOW_E2E_TEMPORAL to a real Temporal server (dev/test does)");
    Path src = dir.resolve("big.raw");
    Random random = new Random(11);
    byte[] buf = new byte[1 << 20];
    try (OutputStream out = Files.newOutputStream(src)) {
      for (int i = 0; i < 512; i++) {
        random.nextBytes(buf);
        out.write(buf);
      }
    }
    String sha = UploadImageEndToEndIT.sha256(src);
    WorkflowServiceStubs stubs = WorkflowServiceStubs.newServiceStubs(
        WorkflowServiceStubsOptions.newBuilder().setTarget(target).build());
    CephflowClient client = new CephflowClient(WorkflowClient.newInstance(stubs,
        WorkflowClientOptions.newBuilder().setNamespace(namespace).build()));
    String id = UUID.randomUUID().toString();
    try {
      startWorker(target, namespace, "first");
      String op = client.uploadImage(new UploadImageRequest(id, "crash", src.toString(), "raw", sha));

      // kill -9 once bytes are moving: the write activity is in the middle of its work
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
      OperationStatus s = client.status(op);
      while (s.progress() == null || s.progress().bytesDone() == 0 || !"write".equals(s.step())) {
        assertThat(s.status()).isEqualTo("RUNNING");
        assertThat(System.nanoTime()).as("the write never started: " + s).isLessThan(deadline);
        Thread.sleep(100);
        s = client.status(op);
      }
      workers.get(0).destroyForcibly().waitFor();
      assertThat(client.status(op).status()).isEqualTo("RUNNING");

      startWorker(target, namespace, "second");
      OperationStatus done = client.await(op, 5, TimeUnit.MINUTES);
      assertThat(done.status()).as(done.toString()).isEqualTo("COMPLETED");
      assertThat(done.result().toString()).contains(sha);
      assertThat(CephTestCluster.rbd().images().list("images").stream().filter(id::equals)).hasSize(1);
      assertThat(CephTestCluster.rbd().snapshots().list(new ImageRef("images", id))).hasSize(1);
      Path export = dir.resolve("export");
      CephTestCluster.rbdCli("export", "--no-progress", "images/" + id, export.toString());
      assertThat(UploadImageEndToEndIT.sha256(export)).isEqualTo(sha);
    } finally {
      CephTestCluster.purge(new ImageRef("images", id));
      stubs.shutdown();
    }
  }

  private void startWorker(String target, String namespace, String name) throws Exception {
    Path jar = Files.list(Path.of("target")).filter(p -> p.toString().endsWith("-exec.jar")).findFirst()
        .orElseThrow(() -> new IllegalStateException("no worker exec jar in target/: run mvn package first"));
    Process p = new ProcessBuilder(List.of(System.getProperty("java.home") + "/bin/java", "-Xmx384m", "-jar",
        jar.toString(), "--server.port=0", "--cephflow.temporal.target=" + target,
        "--cephflow.temporal.namespace=" + namespace, "--cephflow.sources.local-roots=" + dir,
        // a dead worker's activity is retried once its heartbeat is missed
        "--cephflow.activities.types.WriteFromSource.heartbeat=5s",
        "--cephflow.activities.types.WriteFromSource.initial-interval=1s"))
        .redirectErrorStream(true).redirectOutput(new File(dir.resolve("worker-" + name + ".log").toString()))
        .start();
    workers.add(p);
    Path log = dir.resolve("worker-" + name + ".log");
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (!Files.readString(log).contains("workers polling")) {
      assertThat(p.isAlive()).as("worker exited: " + Files.readString(log)).isTrue();
      assertThat(System.nanoTime()).as("worker did not start: " + Files.readString(log)).isLessThan(deadline);
      Thread.sleep(250);
    }
  }
}
