package io.cephflow.intake.qemu;

import io.cephflow.ceph.DataSource;
import io.cephflow.intake.format.DiskFormat;
import java.io.IOException;
import java.nio.file.Path;

/**
 * qemu's view of an untrusted image. Every call names the format explicitly; call only after {@link
 * io.cephflow.intake.format.ImageInspector} accepted the file, and keep the file in a directory no
 * one else writes to (the check and the use must see the same bytes).
 */
public interface QemuImg {

  /** {@code qemu-img info}; does not judge the answer (see {@link QemuAgreement}). */
  QemuImageInfo info(Path image, DiskFormat format) throws IOException;

  /**
   * Decodes to a sparse raw file at the absolute local path {@code target}; removes it on failure.
   */
  void convertToRaw(Path image, DiskFormat format, Path target, ProgressListener progress)
      throws IOException;

  /**
   * Streams the decoded raw view through qemu-nbd without a scratch file; the caller must close it.
   */
  RawExtentSource openRaw(Path image, DiskFormat format) throws IOException;

  /**
   * The decoded raw view for the RBD writer, without a scratch file: bytes that {@code qemu-img
   * map} shows stored as-is are read from the file directly, the rest through qemu-nbd. The caller
   * must close it.
   *
   * @param virtualSize the size vetting established; the map must cover exactly this much
   */
  DataSource openRawData(Path image, DiskFormat format, long virtualSize) throws IOException;
}
