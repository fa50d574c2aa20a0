package io.cephflow.worker;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code cephflow.libvirt.*}: this worker's hypervisor. A worker runs on each hypervisor and polls
 * its own task queue, {@code TaskQueues.host(host)}, for libvirt steps and for every step on a file
 * in its scratch area (so {@code host} is needed, and must be unique per scratch area, even when
 * libvirt is disabled).
 *
 * @param enabled false for a worker that runs storage work only (no libvirtd next to it)
 * @param uri libvirt's connection URI
 * @param cephMountTimeout qemu's {@code client_mount_timeout}, in the ceph.conf written for it
 * @param host this host's name, the one server requests give as hypervisor
 * @param monitors {@code host:port} of each Ceph monitor as qemu should reach it; empty: read
 *     {@code mon_host} from {@code cephflow.ceph.conf}
 * @param cephConf the timeouts-only ceph.conf written here for qemu's rbd driver
 * @param domain defaults for every domain this hypervisor defines
 * @param capacity what placement may put here (see HostReporter)
 * @param reportEvery how often this host writes its report (domains, capacity) to Ceph
 */
@Validated
@ConfigurationProperties("cephflow.libvirt")
public record LibvirtProperties(
    @DefaultValue("true") boolean enabled,
    @DefaultValue("qemu:///system") String uri,
    @DefaultValue("local") @Pattern(regexp = "[A-Za-z0-9][A-Za-z0-9.-]{0,62}") String host,
    @DefaultValue List<String> monitors,
    @DefaultValue("/var/lib/cephflow/qemu-ceph.conf") Path cephConf,
    @DefaultValue("10s") Duration cephMountTimeout,
    @DefaultValue Domain domain,
    @DefaultValue Capacity capacity,
    @DefaultValue("10s") Duration reportEvery) {

  /**
   * @param memoryMiB memory for guests (0: 90 % of the host's)
   * @param domains how many domains may run here at once
   */
  public record Capacity(
      @DefaultValue("0") @Min(0) long memoryMiB, @DefaultValue("16") @Min(1) int domains) {}

  /**
   * Defaults of every domain this hypervisor defines.
   *
   * @param type {@code qemu} (TCG, runs anywhere) or {@code kvm}
   * @param vcpus virtual CPUs of a domain whose request names none
   * @param memoryMiB memory of a domain whose request names none
   * @param consoleDir the guests' serial logs, {@code instance-<id>.log}
   * @param bootTimeout how long a boot waits for the domain to run
   */
  public record Domain(
      @DefaultValue("qemu") String type,
      @DefaultValue("1") @Min(1) @Max(64) int vcpus,
      @DefaultValue("64") @Min(16) int memoryMiB,
      @DefaultValue("/var/log/cephflow/console") Path consoleDir,
      @DefaultValue("60s") Duration bootTimeout) {}
}
