package io.cephflow.hosts;

import static org.assertj.core.api.Assertions.assertThat;

import io.cephflow.ceph.CephTestCluster;
import io.cephflow.ceph.RecordStore;
import io.cephflow.ceph.librbd.RadosRecordStore;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Host reports on the real dev cluster, with the workers' least-privilege client. */
class HostReportsIT {
  private final RecordStore store =
      new RadosRecordStore(CephTestCluster.cluster(), HostReports.NAMESPACE);
  private final HostReports reports = new HostReports(store);

  @Test
  void aHostsReportIsReplacedByItsNextAndKeptApartFromTheResourceRecords() {
    String host = "it-" + UUID.randomUUID().toString().substring(0, 8);
    String server = UUID.randomUUID().toString();
    try {
      reports.publish(report(host, Instant.now().minusSeconds(5), List.of()));
      HostReport second =
          report(host, Instant.now(), List.of(new HostReport.Domain(server, "running", 64, 1)));
      reports.publish(second);
      assertThat(reports.read(host)).contains(second);
      assertThat(reports.all()).contains(second);
      assertThat(Placement.hostOf(reports.all(), server)).contains(second);
      // the resource records' namespace (what listings and audits read) never sees a report
      assertThat(new RadosRecordStore(CephTestCluster.cluster()).keys("vms"))
          .doesNotContain("host." + host);
    } finally {
      store.read("vms", "host." + host).ifPresent(v -> store.remove("vms", "host." + host, v));
    }
    assertThat(reports.read(host)).isEmpty();
  }

  private static HostReport report(String host, Instant at, List<HostReport.Domain> domains) {
    return new HostReport(
        host, at.toString(), 10, new HostReport.Capacity(2048, 4), 64, true, domains);
  }
}
