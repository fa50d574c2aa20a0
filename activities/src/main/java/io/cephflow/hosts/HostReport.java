package io.cephflow.hosts;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What one hypervisor's worker last said of itself: its capacity and its domains. Each worker
 * writes its own every {@code reportEvery}; readers (placement, the API's server reads) treat a
 * report older than a few intervals as a host that is gone.
 *
 * @param observedAt when the worker listed its domains (ISO-8601, the worker's clock)
 * @param capacity what the operator lets this host run
 * @param defaultMemoryMiB the memory of a domain whose request names none, on this host
 * @param accepting false once its worker is shutting down (it drains, and takes no new servers)
 * @param domains cephflow's domains on the host, running or only defined
 */
public record HostReport(
    String host,
    String observedAt,
    long reportEverySeconds,
    Capacity capacity,
    long defaultMemoryMiB,
    boolean accepting,
    List<Domain> domains) {

  /**
   * @param memoryMiB memory for guests; {@code domains} how many may run at once
   */
  public record Capacity(long memoryMiB, int domains) {}

  /**
   * @param state libvirt's, lower case ({@code running}, {@code paused}, {@code shut-off}, …)
   */
  public record Domain(String serverId, String state, long memoryMiB, int vcpus) {
    public boolean active() {
      return !state.equals("shut-off") && !state.equals("crashed") && !state.equals("no-state");
    }
  }

  public Instant observed() {
    return Instant.parse(observedAt);
  }

  /**
   * Written within the last three report intervals (and at least the last interval plus 5 s, so one
   * slow write does not drop a host reporting every second): its worker is alive.
   */
  public boolean fresh(Instant now) {
    Duration window = Duration.ofSeconds(Math.max(3 * reportEverySeconds, reportEverySeconds + 5));
    return observed().plus(window).isAfter(now);
  }

  public long activeDomains() {
    return domains.stream().filter(Domain::active).count();
  }

  /** Memory of the domains that hold it (running or paused). */
  public long usedMemoryMiB() {
    return domains.stream().filter(Domain::active).mapToLong(Domain::memoryMiB).sum();
  }

  /** Whether one more domain of {@code memoryMiB} fits. */
  public boolean fits(long memoryMiB) {
    return activeDomains() < capacity.domains()
        && usedMemoryMiB() + memoryMiB <= capacity.memoryMiB();
  }

  public java.util.Optional<Domain> domain(String serverId) {
    return domains.stream().filter(d -> d.serverId().equals(serverId)).findFirst();
  }
}
