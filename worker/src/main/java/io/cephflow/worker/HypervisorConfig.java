package io.cephflow.worker;

import io.cephflow.activities.HypervisorActivitiesImpl;
import io.cephflow.ceph.Keyring;
import io.cephflow.ceph.librbd.CephCluster;
import io.cephflow.ceph.librbd.RadosRecordStore;
import io.cephflow.hosts.HostReport;
import io.cephflow.hosts.HostReports;
import io.cephflow.libvirt.CephKey;
import io.cephflow.libvirt.CephMonitor;
import io.cephflow.libvirt.DomainName;
import io.cephflow.libvirt.DomainType;
import io.cephflow.libvirt.LibvirtHypervisor;
import io.cephflow.libvirt.LibvirtSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Matcher;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.DependsOn;

/**
 * This worker's hypervisor: the libvirt port and the hypervisor activities, served on the host's
 * own task queue (TemporalConfig registers them there; the storage queue's worker never runs them).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(
    prefix = "cephflow.libvirt",
    name = "enabled",
    havingValue = "true",
    matchIfMissing = true)
public class HypervisorConfig {
  private static final java.util.regex.Pattern ADDRESS =
      java.util.regex.Pattern.compile("(?:v[12]:)?([0-9A-Za-z.-]+):(\\d+)");

  /**
   * After the Ceph handle, on purpose: librados must be loaded into the JVM before libvirt-java
   * loads libvirt. In the other order librados' load crashed in libceph-common's static
   * initialisers (heap corruption in malloc, no hs_err file; seen in the failsafe JVM). Why the
   * order matters was not found; this dependency keeps the order that works (the storage-only
   * worker never loads libvirt).
   */
  @Bean
  @DependsOn("cephCluster")
  LibvirtHypervisor hypervisor(LibvirtProperties props) {
    return LibvirtHypervisor.create(
        new LibvirtSettings(props.uri(), props.cephConf(), props.cephMountTimeout()));
  }

  @Bean
  HypervisorActivitiesImpl hypervisorActivities(
      LibvirtHypervisor hypervisor,
      LibvirtProperties props,
      WorkerProperties worker,
      CephCluster cluster,
      io.cephflow.activities.StorageActivitiesImpl storage) {
    var d = props.domain();
    return new HypervisorActivitiesImpl(
        hypervisor,
        new HypervisorActivitiesImpl.HostSettings(
            DomainType.valueOf(d.type().toUpperCase(Locale.ROOT)),
            d.vcpus(),
            d.memoryMiB(),
            d.consoleDir(),
            monitors(props.monitors(), cluster.conf("mon_host")),
            cephKey(worker.ceph().client(), worker.ceph().keyring()),
            d.bootTimeout()),
        storage::createSnapshot);
  }

  @Bean(destroyMethod = "close")
  HostReporter hostReporter(
      LibvirtHypervisor hypervisor, LibvirtProperties props, CephCluster cluster) {
    long memory =
        props.capacity().memoryMiB() > 0
            ? props.capacity().memoryMiB()
            : HostReporter.defaultGuestMemoryMiB();
    return new HostReporter(
            props.host(),
            hypervisor,
            new HostReports(new RadosRecordStore(cluster, HostReports.NAMESPACE)),
            new HostReport.Capacity(memory, props.capacity().domains()),
            props.domain().memoryMiB(),
            props.reportEvery(),
            java.time.Clock.systemUTC())
        .start();
  }

  /** At the very start of shutdown (before the drain), so no new server is placed here. */
  @Bean
  org.springframework.context.ApplicationListener<
          org.springframework.context.event.ContextClosedEvent>
      hostReporterShutdown(HostReporter reporter) {
    return e -> reporter.stopAccepting();
  }

  /** A real libvirt round trip: the state of a domain that does not exist. */
  @Bean
  AbstractHealthIndicator libvirtHealthIndicator(
      LibvirtHypervisor hypervisor, LibvirtProperties props) {
    BoundedCheck bounded = new BoundedCheck("libvirt", java.time.Duration.ofSeconds(5));
    return new AbstractHealthIndicator("libvirt health check failed") {
      @Override
      protected void doHealthCheck(Health.Builder builder) throws Exception {
        bounded.run(() -> hypervisor.state(DomainName.forServer(new UUID(0, 0).toString())));
        builder.up().withDetail("host", props.host()).withDetail("uri", props.uri());
      }
    };
  }

  /** The cephx key qemu uses: the client's section of the keyring file; never logged. */
  static CephKey cephKey(String client, Path keyring) {
    if (keyring == null)
      throw new IllegalStateException("cephflow.ceph.keyring is required for the libvirt secret");
    try {
      return new CephKey(client, Keyring.read(keyring).keyOf(client));
    } catch (IllegalStateException e) {
      throw new IllegalStateException(keyring + ": " + e.getMessage(), e);
    }
  }

  /**
   * The monitors qemu is given: the configured ones, else librados' {@code mon_host} (read from the
   * connected cluster with {@code rados_conf_get}, not by parsing ceph.conf).
   */
  static List<CephMonitor> monitors(List<String> configured, String monHost) {
    List<CephMonitor> out = new ArrayList<>();
    if (configured.isEmpty()) {
      Matcher a = ADDRESS.matcher(monHost == null ? "" : monHost);
      while (a.find()) out.add(new CephMonitor(a.group(1), Integer.parseInt(a.group(2))));
      if (out.isEmpty()) {
        throw new IllegalStateException(
            "librados has no mon_host ('" + monHost + "'); set cephflow.libvirt.monitors");
      }
    } else {
      for (String m : configured) {
        Matcher a = ADDRESS.matcher(m.trim());
        if (!a.matches()) throw new IllegalArgumentException("monitor must be host:port, got " + m);
        out.add(new CephMonitor(a.group(1), Integer.parseInt(a.group(2))));
      }
    }
    return out;
  }
}
