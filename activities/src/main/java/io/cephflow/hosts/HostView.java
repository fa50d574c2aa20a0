package io.cephflow.hosts;

import java.time.Instant;

/**
 * A hypervisor as the API lists it, from its latest report.
 *
 * @param alive its worker reported within the last few intervals (placement only uses these)
 * @param reportedAt when that report was written (the worker's clock)
 * @param domains cephflow's domains defined there, {@code activeDomains} of them running or paused
 */
public record HostView(
    String host,
    boolean alive,
    String reportedAt,
    int domains,
    long activeDomains,
    int capacityDomains,
    long memoryUsedMiB,
    long memoryMiB) {
  public static HostView of(HostReport r, Instant now) {
    return new HostView(
        r.host(),
        r.fresh(now),
        r.observedAt(),
        r.domains().size(),
        r.activeDomains(),
        r.capacity().domains(),
        r.usedMemoryMiB(),
        r.capacity().memoryMiB());
  }
}
