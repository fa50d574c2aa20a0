package io.cephflow.libvirt;

import java.util.List;

/**
 * An RBD image attached as a virtio network disk; qemu talks to Ceph itself (librbd), authenticated
 * as {@code auth}. Disks get targets vda, vdb… in list order; the first is the boot disk.
 */
public record RbdDisk(String pool, String image, List<CephMonitor> monitors, CephAuth auth) {
  public RbdDisk {
    Names.cephName("pool", pool);
    Names.cephName("image", image);
    if (monitors == null || monitors.isEmpty()) {
      throw new InvalidDomainSpecException("an RBD disk needs at least one monitor");
    }
    monitors = List.copyOf(monitors);
    if (auth == null) {
      throw new InvalidDomainSpecException("an RBD disk needs cephx auth");
    }
  }

  /** {@code pool/image}, libvirt's source name. */
  public String sourceName() {
    return pool + "/" + image;
  }
}
