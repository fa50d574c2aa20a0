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
 * A hypervisor's worker killed for good while boots have work for it: a boot routed to a host
 * names it (explicitly or by placement, which happened before), so nothing else may run its
 * libvirt steps; each such step waits {@code cephflow.activities.host-schedule-to-start} for a
 * worker of that host, then the boot compensates on the storage workers and fails as
 * {@code HostUnavailable}. What the dead host alone could undo is reported, and its record kept
 * (ERROR) until a DELETE, which completes once the host is back. Worker processes and a real
 * Temporal server (CEPHFLOW_E2E_TEMPORAL), as in the crash tests.
 */
class HostWorkerLostIT {
  static final String RUN = FaultIts.runPrefix();
  static final String IMAGE = FaultIts.id(RUN);
  /** Its DefineDomain was taken by the worker, which died in it; the others only queued work there. */
  static final String TAKEN = FaultIts.id(RUN), QUEUED_1 = FaultIts.id(RUN), QUEUED_2 = FaultIts.id(RUN);
  static final List<String> FAST = List.of("--cephflow.activities.host-schedule-to-start=10s");
  @TempDir static Path dir;
  static CrashHarness harness;

  @AfterAll
  static void cleanUp() {
    if (harness == null) return;
    for (String s : List.of(TAKEN, QUEUED_1, QUEUED_2)) {
      ServerIts.removeDomainQuietly(harness.libvirtUri(), s);
      ServerIts.purgeQuietly(new io.cephflow.ceph.ImageRef("vms", s + "_disk"));
    }
    FaultIts.purge(List.of(IMAGE));
    FaultIts.removeRecords(RUN);
    harness.close();
  }

  @Test
  void bootsWhoseHostDiedFailAsHostUnavailableUndoingWhatTheStorageSideDid() throws Exception {
    harness = new CrashHarness(dir, Path.of("target", "host-lost-it").toAbsolutePath());
    var client = harness.client();
    // the storage side lives on: workflows, clones, their undo
    harness.startWorker(null, "fault-store-" + RUN, FAST);
    Process host = harness.startWorker("before:DefineDomain", null, FAST);
    Path raw = ServerIts.bootDisk(dir, ServerIts.newTag(), 4 << 20);
    OperationStatus up = client.await(client.uploadImage(new UploadImageRequest(IMAGE, "host-lost", raw.toString(),
        "raw", null)), 2, TimeUnit.MINUTES);
    assertThat(up.status()).as("%s", up).isEqualTo("COMPLETED");
    TreeSet<String> withImage = FaultIts.world(harness.libvirtUri(), RUN);
    TreeSet<String> records = FaultIts.records(RUN);

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
    // the step the dead worker had taken is retried there after its start-to-close, and waits in vain
    OperationStatus t = client.await(taken, 3, TimeUnit.MINUTES);
    assertThat(t.status()).as("%s", t).isEqualTo("FAILED");
    assertThat(t.failure().type()).as("%s", t).isEqualTo(Failures.HOST_UNAVAILABLE);
    assertThat(t.failure().message()).contains("DefineDomain");
    // the undefine registered before the define could only run there
    assertThat(t.failure().compensationFailures()).as("%s", t).hasSize(1)
        .allSatisfy(f -> assertThat(f).startsWith("undefine instance-" + TAKEN));

    // the clones are gone, no domain was made; the queued boots left no record, the taken one an ERROR
    assertThat(FaultIts.world(harness.libvirtUri(), RUN)).isEqualTo(withImage);
    TreeSet<String> expected = new TreeSet<>(records);
    expected.add("vms/server." + TAKEN);
    assertThat(FaultIts.records(RUN)).isEqualTo(expected);
    assertThat(FaultIts.record("vms", "server." + TAKEN)).contains("\"state\":\"ERROR\"");

    // the operator's way out once the host is back: DELETE the failed server, as for any ERROR
    harness.startWorker(null, null, FAST);
    OperationStatus deleted = client.await(client.deleteServer(new DeleteServerRequest(TAKEN, hv, 1)), 3,
        TimeUnit.MINUTES);
    assertThat(deleted.status()).as("%s", deleted).isEqualTo("COMPLETED");
    assertThat(FaultIts.world(harness.libvirtUri(), RUN)).isEqualTo(withImage);
    assertThat(FaultIts.records(RUN)).isEqualTo(expected);
    assertThat(FaultIts.record("vms", "server." + TAKEN)).contains("\"state\":\"DELETED\"");
  }
}
