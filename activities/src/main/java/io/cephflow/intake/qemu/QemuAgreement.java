package io.cephflow.intake.qemu;

import static io.cephflow.intake.format.UnsafeImageException.Reason.BACKING_FILE;
import static io.cephflow.intake.format.UnsafeImageException.Reason.DATA_FILE;
import static io.cephflow.intake.format.UnsafeImageException.Reason.QEMU_DISAGREES;
import static io.cephflow.intake.format.UnsafeImageException.Reason.TOO_LARGE;
import static io.cephflow.intake.format.UnsafeImageException.Reason.VMDK_EXTENT;

import io.cephflow.intake.format.DiskFormat;
import io.cephflow.intake.format.InspectedImage;
import io.cephflow.intake.format.UnsafeImageException;
import java.nio.file.Path;

/**
 * Second opinion: qemu-img info must read the image the way the Java inspector did. A disagreement
 * means one of the two parsers is being fooled, and we do not guess which.
 */
public final class QemuAgreement {

  private QemuAgreement() {}

  public static void check(
      Path image, InspectedImage inspected, QemuImageInfo info, long maxVirtualSize)
      throws UnsafeImageException {
    if (!info.format().equals(inspected.format().qemuDriver())) {
      throw new UnsafeImageException(
          QEMU_DISAGREES,
          "qemu-img reads " + info.format() + ", inspector found " + inspected.format());
    }
    if (info.backingFilename().isPresent()) {
      throw new UnsafeImageException(
          BACKING_FILE, "qemu-img reports backing file " + info.backingFilename().get());
    }
    if (info.dataFile().isPresent()) {
      throw new UnsafeImageException(
          DATA_FILE, "qemu-img reports data file " + info.dataFile().get());
    }
    String self = image.toAbsolutePath().normalize().toString();
    for (String extent : info.extentFiles()) {
      if (!extent.equals(self)) {
        throw new UnsafeImageException(VMDK_EXTENT, "qemu-img opened extent " + extent);
      }
    }
    if (info.virtualSize() < 0 || info.virtualSize() > maxVirtualSize) {
      throw new UnsafeImageException(
          TOO_LARGE,
          "qemu-img virtual size " + info.virtualSize() + " above limit " + maxVirtualSize);
    }
    // qemu derives a VHD's size from CHS geometry for some creators, and a LUKS payload size needs
    // the
    // key, so only the limit applies to those two.
    if (inspected.format() != DiskFormat.VHD
        && inspected.format() != DiskFormat.LUKS
        && info.virtualSize() != inspected.virtualSize()) {
      throw new UnsafeImageException(
          QEMU_DISAGREES,
          "qemu-img virtual size "
              + info.virtualSize()
              + ", inspector found "
              + inspected.virtualSize());
    }
  }
}
