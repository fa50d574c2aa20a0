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
      for (int i = 0; i < 256; i++) {
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
    SlowHttpServer slow = new SlowHttpServer(32L << 20);
    try {
      startWorker(target, namespace, "first");
      String op = client.uploadImage(new UploadImageRequest(id, "crash", slow.url(src), "raw", sha));

      // kill -9 inside the write: the source is served slowly (~8 s), so "write" lasts
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
      OperationStatus s = client.status(op);
      while (!"write".equals(s.step())) {
        assertThat(s.status()).as(s.toString()).isEqualTo("RUNNING");
        assertThat(System.nanoTime()).as("the write never started: " + s).isLessThan(deadline);
        Thread.sleep(100);
        s = client.status(op);
      }
      Thread.sleep(2000);
      assertThat(client.status(op).step()).isEqualTo("write");
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
      slow.close();
    }
  }

  /** Serves files from loopback at a bounded rate, so a long step lasts long enough to be hit. */
  static final class SlowHttpServer implements AutoCloseable {
    private final com.sun.net.httpserver.HttpServer server;

    SlowHttpServer(long bytesPerSecond) throws java.io.IOException {
      server = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
      server.createContext("/", ex -> {
        Path f = Path.of(ex.getRequestURI().getPath());
        ex.sendResponseHeaders(200, Files.size(f));
        byte[] buf = new byte[1 << 20];
        long start = System.nanoTime(), sent = 0;
        try (var in = Files.newInputStream(f); OutputStream out = ex.getResponseBody()) {
          for (int n; (n = in.read(buf)) > 0; ) {
            out.write(buf, 0, n);
            sent += n;
            long due = start + sent * 1_000_000_000L / bytesPerSecond;
            long wait = due - System.nanoTime();
            if (wait > 0) Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
          }
        } catch (java.io.IOException | InterruptedException e) {
          // the killed worker hung up
        }
        ex.close();
      });
      server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
      server.start();
    }

    String url(Path file) {
      return "http://127.0.0.1:" + server.getAddress().getPort() + file;
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }

  private void startWorker(String target, String namespace, String name) throws Exception {
    Path jar = Files.list(Path.of("target")).filter(p -> p.toString().endsWith("-exec.jar")).findFirst()
        .orElseThrow(() -> new IllegalStateException("no worker exec jar in target/: run mvn package first"));
    Process p = new ProcessBuilder(List.of(System.getProperty("java.home") + "/bin/java", "-Xmx384m", "-jar",
        jar.toString(), "--server.port=0", "--cephflow.temporal.target=" + target,
        "--cephflow.temporal.namespace=" + namespace, "--cephflow.sources.local-roots=" + dir,
        "--cephflow.sources.allow-loopback=true", "--cephflow.intake.state-dir=" + dir.resolve("state"),
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
