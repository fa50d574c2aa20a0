package io.cephflow.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.cephflow.fixture.TestBackends;
import io.cephflow.starter.client.OperationStatus;
import io.cephflow.workflows.image.UploadImageRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker whose monitors cannot be reached when it starts: it must start, say it is not ready
 * (readiness DOWN, liveness UP: a kubelet keeps it, and sends it no traffic), and become ready, and
 * do the work it took meanwhile, once the monitor answers, without a restart.
 *
 * <p>The shared cluster is never stopped: the worker's ceph.conf names a loopback port nothing
 * listens on; then the file is given the real monitors, as an operator who fixes the address does.
 * A TCP forwarder from that port to the monitor cannot stand in for a monitor coming back: the
 * monitor closes every session whose client addressed it by another address than its own (msgr2's
 * target-address check; tried here, v1 and v2). Every connect attempt reads the file again, so both
 * cases take the same path: the attempt after the monitor answers succeeds. Needs a real Temporal
 * server (CEPHFLOW_E2E_TEMPORAL), like the crash tests.
 */
class MonitorUnreachableAtStartIT {
  @TempDir static Path dir;
  static CrashHarness harness;
  static final String RUN = FaultIts.runPrefix();
  static final List<String> images = new ArrayList<>();

  @AfterAll
  static void cleanUp() {
    FaultIts.purge(images);
    FaultIts.removeRecords(RUN);
    if (harness != null) harness.close();
  }

  @Test
  void theWorkerStartsNotReadyAndRecoversWhenTheMonitorAnswers() throws Exception {
    harness = new CrashHarness(dir, Path.of("target", "monitor-it").toAbsolutePath());
    Path realConf = TestBackends.get().ceph().conf();
    String real = Files.readString(realConf);
    assertThat(real).containsPattern("(?m)^mon_host\\s*=");
    Path conf = dir.resolve("ceph.conf");
    Files.writeString(
        conf,
        real.replaceAll("(?m)^mon_host\\s*=.*$", "mon_host = v2:127.0.0.1:" + FaultIts.freePort()));

    Process w =
        harness.startWorker(
            null,
            "fault-mon-" + RUN,
            List.of("--cephflow.ceph.conf=" + conf, "--cephflow.ceph.mount-timeout=3s"));
    int port = harness.httpPort(w);
    // taken meanwhile: its first steps fail as CephError and are retried
    Path raw = ServerIts.bootDisk(dir, ServerIts.newTag(), 4 << 20);
    String image = FaultIts.id(RUN);
    images.add(image);
    String op =
        harness
            .client()
            .uploadImage(
                new UploadImageRequest(image, "monitor-fault", raw.toString(), "raw", null));

    // probes over several connect attempts (a readiness probe waits up to 5 s): never ready, always
    // live
    for (int i = 0; i < 3; i++) {
      var readiness = FaultIts.health(port, "readiness");
      assertThat(readiness.statusCode())
          .as("readiness while no monitor answers: %s", readiness.body())
          .isEqualTo(503);
      assertThat(readiness.body()).contains("DOWN");
      var liveness = FaultIts.health(port, "liveness");
      assertThat(liveness.statusCode()).as("liveness: %s", liveness.body()).isEqualTo(200);
      assertThat(liveness.body()).contains("UP");
      Thread.sleep(1_000);
    }
    assertThat(w.isAlive()).isTrue();
    assertThat(harness.client().status(op).status()).isEqualTo("RUNNING");

    Files.writeString(conf, real); // the monitor answers
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    int status;
    while ((status = FaultIts.health(port, "readiness").statusCode()) != 200) {
      assertThat(System.nanoTime())
          .as("the worker never became ready; log %s", harness.log(w))
          .isLessThan(deadline);
      Thread.sleep(1_000);
    }
    assertThat(status).isEqualTo(200);
    assertThat(w.isAlive()).as("the same worker process, never restarted").isTrue();
    assertThat(Files.readString(harness.log(w))).contains("connected to the cluster");

    OperationStatus done = harness.client().await(op, 3, TimeUnit.MINUTES);
    assertThat(done.status()).as("%s", done).isEqualTo("COMPLETED");
    assertThat(FaultIts.world(harness.libvirtUri(), RUN))
        .isEqualTo(
            new TreeSet<>(List.of("images/" + image, "images/" + image + "@snap (protected)")));
    assertThat(ServerIts.exportSha256(dir, "images/" + image)).isEqualTo(ServerIts.sha256(raw));
    assertThat(FaultIts.record("images", "image." + image)).contains("\"state\":\"AVAILABLE\"");
  }
}
