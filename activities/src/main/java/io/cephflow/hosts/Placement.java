package io.cephflow.hosts;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Where a new server goes when its request names no hypervisor: a host whose worker reported
 * recently (so it is alive), is not shutting down, and has room for it (active domains and their
 * memory against the capacity it reports), the one with the most memory left; ties go to fewer
 * domains, then to the name, so the choice is stable. A host that stops reporting stops receiving
 * servers.
 */
public final class Placement {
  private Placement() {}

  /**
   * @param memoryMiB the new domain's memory, or 0 for each host's own default
   */
  public static Optional<String> choose(List<HostReport> reports, Instant now, long memoryMiB) {
    return reports.stream()
        .filter(r -> r.fresh(now) && r.accepting())
        .filter(r -> r.fits(memoryMiB > 0 ? memoryMiB : r.defaultMemoryMiB()))
        .min(
            Comparator.comparingLong(
                    (HostReport r) -> -(r.capacity().memoryMiB() - r.usedMemoryMiB()))
                .thenComparingLong(HostReport::activeDomains)
                .thenComparing(HostReport::host))
        .map(HostReport::host);
  }

  /** The host whose latest report lists the server (fresh or not), if any. */
  public static Optional<HostReport> hostOf(List<HostReport> reports, String serverId) {
    return reports.stream()
        .filter(r -> r.domain(serverId).isPresent())
        .max(Comparator.comparing(HostReport::observed));
  }
}
