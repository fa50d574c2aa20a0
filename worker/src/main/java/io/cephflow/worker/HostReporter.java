package io.cephflow.worker;

import io.cephflow.hosts.HostReport;
import io.cephflow.hosts.HostReports;
import io.cephflow.libvirt.DomainSummary;
import io.cephflow.libvirt.Hypervisor;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the fleet what this hypervisor holds: every {@code every}, it lists cephflow's domains in
 * libvirt and writes them, with the host's capacity, as its {@link HostReport} in Ceph. Placement
 * picks hosts from these reports and the API shows a server's host and domain state from them; a
 * host whose reports stop (worker gone, libvirt or Ceph unreachable) ages out of both. A failed
 * round is logged and tried again at the next tick, never fatal.
 */
public final class HostReporter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HostReporter.class);
  private final String host;
  private final Hypervisor hypervisor;
  private final HostReports reports;
  private final HostReport.Capacity capacity;
  private final long defaultMemoryMiB;
  private final Duration every;
  private final Clock clock;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "cephflow-host-reporter");
            t.setDaemon(true);
            return t;
          });
  private volatile boolean failing;
  private volatile boolean accepting = true;

  public HostReporter(
      String host,
      Hypervisor hypervisor,
      HostReports reports,
      HostReport.Capacity capacity,
      long defaultMemoryMiB,
      Duration every,
      Clock clock) {
    this.defaultMemoryMiB = defaultMemoryMiB;
    this.host = host;
    this.hypervisor = hypervisor;
    this.reports = reports;
    this.capacity = capacity;
    this.every = every;
    this.clock = clock;
  }

  public HostReporter start() {
    timer.scheduleWithFixedDelay(this::reportQuietly, 0, every.toMillis(), TimeUnit.MILLISECONDS);
    return this;
  }

  /** One round: list, write. */
  public HostReport report() {
    List<HostReport.Domain> domains =
        hypervisor.cephflowDomains().stream().map(HostReporter::domain).toList();
    HostReport r =
        new HostReport(
            host,
            clock.instant().toString(),
            Math.max(1, every.toSeconds()),
            capacity,
            defaultMemoryMiB,
            accepting,
            domains);
    reports.publish(r);
    return r;
  }

  private void reportQuietly() {
    try {
      report();
      if (failing) LOG.info("host report of {} written again", host);
      failing = false;
    } catch (RuntimeException e) {
      if (!failing)
        LOG.warn(
            "cannot write the host report of {} (placement will skip this host while it lasts): {}",
            host,
            e.toString());
      failing = true;
    }
  }

  static HostReport.Domain domain(DomainSummary d) {
    return new HostReport.Domain(
        d.name().serverId(),
        d.state().name().toLowerCase(Locale.ROOT).replace('_', '-'),
        d.memoryMiB(),
        d.vcpus());
  }

  /** Memory for guests when none is configured: 90 % of the host's memory. */
  static long defaultGuestMemoryMiB() {
    try {
      for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          long kib = Long.parseLong(line.replaceAll("[^0-9]", ""));
          return kib / 1024 * 9 / 10;
        }
      }
    } catch (java.io.IOException | NumberFormatException e) {
      LOG.warn(
          "cannot read /proc/meminfo ({}); set cephflow.libvirt.capacity.memory-mib", e.toString());
    }
    return 4096;
  }

  /**
   * The worker is shutting down: one last report says so at once, and placement sends this host
   * nothing new while its running work drains (a killed worker ages out of the reports instead).
   */
  public void stopAccepting() {
    if (!accepting) return;
    accepting = false;
    try {
      timer.submit(this::reportQuietly).get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("could not tell the fleet that {} is shutting down: {}", host, e.toString());
    }
  }

  @Override
  public void close() {
    stopAccepting();
    timer.shutdownNow();
  }
}
