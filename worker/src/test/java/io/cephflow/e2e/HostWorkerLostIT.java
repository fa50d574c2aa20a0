package io.cephflow.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.cephflow.starter.client.OperationStatus;
import io.cephflow.workflows.common.Failures;
import io.cephflow.workflows.image.UploadImageRequest;
import io.cephflow.workflows.server.BootFromImageRequest;
import io.cephflow.workflows.server.DeleteServerRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hypervisor's worker killed for good while boots have work for it: a boot routed to a host names
 * it (explicitly or by placement, which happened before), so nothing else may run its libvirt
 * steps; each such step waits {@code cephflow.activities.host-schedule-to-start} for a worker of
 * that host, then the boot compensates on the storage workers and fails as {@code HostUnavailable}.
 * What the dead host alone could undo is reported, and its record kept (ERROR) until a DELETE,
 * which completes once the host is back. A staged upload whose staging host dies the same way fails
 * as HostUnavailable too, before it made an image; its staged file stays in that host's scratch
 * area (the host's sweeper removes it when it is back). Worker processes and a real Temporal server
 * (CEPHFLOW_E2E_TEMPORAL), as in the crash tests.
 */
class HostWorkerLostIT {
  static final String RUN = FaultIts.runPrefix();
  static final String IMAGE = FaultIts.id(RUN), STAGED = FaultIts.id(RUN);

  /**
   * Its DefineDomain was taken by the worker, which died in it; the others only queued work there.
   */
  static final String TAKEN = FaultIts.id(RUN),
      QUEUED_1 = FaultIts.id(RUN),
      QUEUED_2 = FaultIts.id(RUN);

  /**
   * A short wait for the host; the dead worker's DefineDomain is retried 6 s after it was taken.
   */
  static final List<String> FAST =
      List.of(
          "--cephflow.activities.host-schedule-to-start=8s",
          "--cephflow.activities.types.DefineDomain.start-to-close=6s");

  @TempDir static Path dir;
  static CrashHarness harness;

  @AfterAll
  static void cleanUp() {
    if (harness == null) return;
    for (String s : List.of(TAKEN, QUEUED_1, QUEUED_2)) {
      ServerIts.removeDomainQuietly(harness.libvirtUri(), s);
      ServerIts.purgeQuietly(new io.cephflow.workflows.common.RbdRef("vms", s + "_disk"));
    }
    FaultIts.purge(List.of(IMAGE, STAGED));
    FaultIts.removeRecords(RUN);
    harness.close();
  }

  @Test
  void bootsWhoseHostDiedFailAsHostUnavailableUndoingWhatTheStorageSideDid() throws Exception {
    harness = new CrashHarness(dir, Path.of("target", "host-lost-it").toAbsolutePath());
    var client = harness.client();
    Path raw = ServerIts.bootDisk(dir, ServerIts.newTag(), 4 << 20);
    // a staged upload: its only worker stages the file in its scratch area and dies, for good
    Path qcow2 = dir.resolve("disk.qcow2");
    io.cephflow.ceph.CephTestCluster.run(
        List.of(
            "qemu-img", "convert", "-f", "raw", "-O", "qcow2", raw.toString(), qcow2.toString()));
    String stageHost = "fault-stage-" + RUN;
    Process stager = harness.startWorker("after:StageSource", stageHost, FAST);
    String staged =
        client.uploadImage(
            new UploadImageRequest(STAGED, "host-lost-staged", qcow2.toString(), "qcow2", null));
    harness.awaitSuicide(stager, staged, "after:StageSource");
    // the storage side lives on: workflows, clones, their undo
    harness.startWorker(null, "fault-store-" + RUN, FAST);
    Process host = harness.startWorker("before:DefineDomain", null, FAST);
    OperationStatus up =
        client.await(
            client.uploadImage(
                new UploadImageRequest(IMAGE, "host-lost", raw.toString(), "raw", null)),
            2,
            TimeUnit.MINUTES);
    assertThat(up.status()).as("%s", up).isEqualTo("COMPLETED");
    TreeSet<String> withImage = FaultIts.world(harness.libvirtUri(), RUN);
    TreeSet<String> records = FaultIts.records(RUN);
    records.remove("images/image." + STAGED); // still running: looked at below

    String hv = "local"; // the hypervisor worker's host (hypervisorArgs name none)
    String taken = client.bootFromImage(new BootFromImageRequest(TAKEN, hv, IMAGE, 0, 0, 0, false));
    harness.awaitSuicide(host, taken, "before:DefineDomain");
    List<String> queued = new ArrayList<>();
    for (String s : List.of(QUEUED_1, QUEUED_2)) {
      queued.add(client.bootFromImage(new BootFromImageRequest(s, hv, IMAGE, 0, 0, 0, false)));
    }

    for (String op : queued) {
      OperationStatus s = client.await(op, 3, TimeUnit.MINUTES);
      assertThat(s.status()).as("%s", s).isEqualTo("FAILED");
      assertThat(s.failure().type()).as("%s", s).isEqualTo(Failures.HOST_UNAVAILABLE);
      assertThat(s.failure().message()).contains("EnsureSecret").contains("worker of its host");
      assertThat(s.failure().compensationFailures()).as("%s", s).isEmpty();
    }
    // the step the dead worker had taken is retried there after its start-to-close, and waits in
    // vain
    OperationStatus t = client.await(taken, 3, TimeUnit.MINUTES);
    assertThat(t.status()).as("%s", t).isEqualTo("FAILED");
    assertThat(t.failure().type()).as("%s", t).isEqualTo(Failures.HOST_UNAVAILABLE);
    assertThat(t.failure().message()).contains("DefineDomain");
    // the undefine registered before the define could only run there
    assertThat(t.failure().compensationFailures())
        .as("%s", t)
        .hasSize(1)
        .allSatisfy(f -> assertThat(f).startsWith("undefine instance-" + TAKEN));

    // the staging host's retried StageSource waited in vain; the file it staged stays there
    OperationStatus st = client.await(staged, 3, TimeUnit.MINUTES);
    assertThat(st.status()).as("%s", st).isEqualTo("FAILED");
    assertThat(st.failure().type()).as("%s", st).isEqualTo(Failures.HOST_UNAVAILABLE);
    assertThat(st.failure().message()).contains("StageSource");
    assertThat(st.failure().compensationFailures())
        .as("%s", st)
        .hasSize(1)
        .allSatisfy(f -> assertThat(f).startsWith("remove scratch file upload-" + STAGED));
    try (var files = java.nio.file.Files.list(harness.stateDir(stageHost).resolve("scratch"))) {
      assertThat(files.map(f -> f.getFileName().toString()).toList())
          .as("the dead host's scratch area")
          .containsExactly("upload-" + STAGED);
    }

    // the clones are gone, no domain was made, the staged upload made no image; the queued boots
    // left no record, the taken boot and the staged upload an ERROR
    assertThat(FaultIts.world(harness.libvirtUri(), RUN)).isEqualTo(withImage);
    TreeSet<String> expected = new TreeSet<>(records);
    expected.add("vms/server." + TAKEN);
    expected.add("images/image." + STAGED);
    assertThat(FaultIts.record("images", "image." + STAGED)).contains("\"state\":\"ERROR\"");
    assertThat(FaultIts.records(RUN)).isEqualTo(expected);
    assertThat(FaultIts.record("vms", "server." + TAKEN)).contains("\"state\":\"ERROR\"");

    // the operator's way out once the host is back: DELETE the failed server, as for any ERROR
    harness.startWorker(null, null, FAST);
    OperationStatus deleted =
        client.await(
            client.deleteServer(new DeleteServerRequest(TAKEN, hv, 1)), 3, TimeUnit.MINUTES);
    assertThat(deleted.status()).as("%s", deleted).isEqualTo("COMPLETED");
    assertThat(FaultIts.world(harness.libvirtUri(), RUN)).isEqualTo(withImage);
    assertThat(FaultIts.records(RUN)).isEqualTo(expected);
    assertThat(FaultIts.record("vms", "server." + TAKEN)).contains("\"state\":\"DELETED\"");
    // the image's record needs no host
    OperationStatus gone =
        client.await(
            client.deleteImage(new io.cephflow.workflows.image.DeleteImageRequest(STAGED, false)),
            2,
            TimeUnit.MINUTES);
    assertThat(gone.status()).as("%s", gone).isEqualTo("COMPLETED");
    assertThat(FaultIts.record("images", "image." + STAGED)).contains("\"state\":\"DELETED\"");
    assertThat(FaultIts.world(harness.libvirtUri(), RUN)).isEqualTo(withImage);
  }
}
