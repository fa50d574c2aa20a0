package io.cephflow.libvirt;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Which hypervisors exist and how to reach each: the routing table for per-host work.
 * A worker on each hypervisor polls that host's task queue ({@code TaskQueues.host(name)},
 * the one naming of it) and talks to its own libvirtd through {@link Host#uri()}.
 */
public record HypervisorHosts(List<Host> hosts) {
  private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.-]{0,62}");

  public HypervisorHosts {
    hosts = List.copyOf(hosts);
    if (hosts.stream().map(Host::name).distinct().count() != hosts.size()) {
      throw new IllegalArgumentException("hypervisor names must be unique");
    }
  }

  /** One hypervisor: a stable name (its task queue) and its libvirt URI. */
  public record Host(String name, String uri) {
    public Host {
      if (name == null || !HOST_NAME.matcher(name).matches()) {
        throw new IllegalArgumentException("hypervisor name must match " + HOST_NAME + ", got " + name);
      }
      LibvirtSettings.requireUri(uri);
    }
  }

  public Host host(String name) {
    Host h = byName().get(name);
    if (h == null) {
      throw new IllegalArgumentException("unknown hypervisor " + name + "; known: " + byName().keySet());
    }
    return h;
  }

  public Map<String, Host> byName() {
    return hosts.stream().collect(Collectors.toUnmodifiableMap(Host::name, Function.identity()));
  }
}
