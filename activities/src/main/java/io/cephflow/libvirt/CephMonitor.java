package io.cephflow.libvirt;

/** One Ceph monitor address as qemu's rbd driver takes it (v1 6789 or v2 3300 both work). */
public record CephMonitor(String host, int port) {
  public CephMonitor {
    Names.host(host);
    if (port < 1 || port > 65535) {
      throw new InvalidDomainSpecException("monitor port out of range: " + port);
    }
  }
}
