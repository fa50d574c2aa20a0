package io.cephflow.inventory;

/**
 * A server as Ceph knows it: its record and its disk, {@code vms/<id>_disk} (booted from an image)
 * or the volume it boots from; and as its host last reported it: the host and libvirt's state of
 * its domain ({@code unknown} when that report is stale: the host's worker stopped reporting), or
 * null for both when no host reports it.
 *
 * @param disk its own disk ({@code vms/<id>_disk}) when it has one, else null
 * @param diskParent the image snapshot its disk is a clone of, or null (flat, converted)
 * @param volumeId the volume it boots from, or null
 * @param madeFrom {@code image:<id>} or {@code volume:<id>}
 * @param domainState {@code running}, {@code paused}, {@code shut-off}, … or {@code unknown}
 * @param hostReportedAt when the host's report was written (its worker's clock)
 */
public record ServerView(
    String id,
    String state,
    String disk,
    String diskParent,
    Long diskSizeBytes,
    String volumeId,
    String madeFrom,
    String createdBy,
    String createdAt,
    String host,
    String domainState,
    String hostReportedAt) {
  ServerView located(
      java.util.Optional<io.cephflow.hosts.HostReport> report, java.time.Instant now) {
    if (report.isEmpty()) return this;
    io.cephflow.hosts.HostReport r = report.get();
    String domain =
        r.fresh(now)
            ? r.domain(id).map(io.cephflow.hosts.HostReport.Domain::state).orElse(null)
            : "unknown";
    return new ServerView(
        id,
        state,
        disk,
        diskParent,
        diskSizeBytes,
        volumeId,
        madeFrom,
        createdBy,
        createdAt,
        r.host(),
        domain,
        r.observedAt());
  }
}
