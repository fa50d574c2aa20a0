package io.cephflow.libvirt;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/**
 * How this process reaches its hypervisor.
 *
 * @param uri {@code qemu:///system}, {@code qemu+unix:///system?socket=…}, {@code
 *     qemu+tcp://host/system} or {@code qemu+ssh://user@host/system}
 * @param cephConf where the timeout-only ceph.conf for qemu is written
 * @param cephMountTimeout how long qemu waits for a Ceph monitor before start fails
 */
public record LibvirtSettings(String uri, Path cephConf, Duration cephMountTimeout) {
  public static final Duration DEFAULT_CEPH_MOUNT_TIMEOUT = Duration.ofSeconds(10);
  private static final Set<String> SCHEMES =
      Set.of("qemu", "qemu+unix", "qemu+tcp", "qemu+ssh", "qemu+tls");

  public LibvirtSettings {
    requireUri(uri);
    Names.absolutePath("ceph conf", cephConf);
    cephMountTimeout = cephMountTimeout == null ? DEFAULT_CEPH_MOUNT_TIMEOUT : cephMountTimeout;
    if (cephMountTimeout.isNegative() || cephMountTimeout.isZero()) {
      throw new IllegalArgumentException("cephMountTimeout must be positive");
    }
  }

  static String requireUri(String uri) {
    try {
      URI parsed = new URI(uri);
      if (parsed.getScheme() == null
          || !SCHEMES.contains(parsed.getScheme())
          || !("/system".equals(parsed.getPath()) || "/session".equals(parsed.getPath()))) {
        throw new IllegalArgumentException(
            "libvirt URI must be qemu[+unix|+tcp|+ssh|+tls]://[host]/system|session, got " + uri);
      }
      return uri;
    } catch (URISyntaxException | NullPointerException e) {
      throw new IllegalArgumentException("not a libvirt URI: " + uri, e);
    }
  }
}
