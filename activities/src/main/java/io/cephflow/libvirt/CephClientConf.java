package io.cephflow.libvirt;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

/**
 * The ceph.conf qemu's rbd driver reads (via {@code <source><config file=…>}). It holds timeouts
 * only: monitors come from the disk's {@code <host>} elements and the key from the libvirt secret.
 * Without {@code client_mount_timeout} a monitor that does not answer makes qemu, and so domain
 * start, hang for librados' default 300 s.
 *
 * <p>The file must exist on the hypervisor host; cephflow runs a worker on each hypervisor, which
 * writes it locally.
 */
public final class CephClientConf {
  private CephClientConf() {}

  static String content(Duration mountTimeout) {
    long s = Math.max(1, mountTimeout.toSeconds());
    return "# written by cephflow for qemu's rbd driver: timeouts only\n"
        + "[global]\n"
        + "client_mount_timeout = "
        + s
        + "\n"
        + "rados_mon_op_timeout = "
        + s
        + "\n"
        + "# no admin socket or log files from inside qemu\n"
        + "admin_socket =\n"
        + "log_file =\n";
  }

  /** Writes the file if missing or different (atomically, so a running qemu never reads half). */
  public static Path ensure(Path file, Duration mountTimeout) {
    Names.absolutePath("ceph conf", file);
    String wanted = content(mountTimeout);
    try {
      if (Files.isRegularFile(file)
          && Files.readString(file, StandardCharsets.UTF_8).equals(wanted)) {
        return file;
      }
      Files.createDirectories(file.getParent());
      Path tmp = Files.createTempFile(file.getParent(), ".ceph-conf", ".tmp");
      Files.writeString(tmp, wanted, StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
