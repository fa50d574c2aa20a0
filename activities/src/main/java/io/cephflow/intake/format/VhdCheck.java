package io.cephflow.intake.format;

import static io.cephflow.intake.format.UnsafeImageException.Reason.BACKING_FILE;
import static io.cephflow.intake.format.UnsafeImageException.Reason.CORRUPT_HEADER;
import static io.cephflow.intake.format.UnsafeImageException.Reason.TOO_LARGE;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * VHD (qemu "vpc"): the footer is copied to offset 0 for dynamic disks and sits at the end for
 * fixed ones.
 */
final class VhdCheck {

  static final byte[] MAGIC = ImageBytes.ascii("conectix");

  private static final int FOOTER = 512;
  private static final int TYPE_FIXED = 2;
  private static final int TYPE_DYNAMIC = 3;
  private static final int TYPE_DIFFERENCING = 4;

  private VhdCheck() {}

  static boolean hasFooterAtEnd(ImageBytes img) throws IOException {
    return img.size() >= FOOTER && img.matches(img.size() - FOOTER, MAGIC);
  }

  static InspectedImage check(ImageBytes img, InspectionPolicy policy, boolean footerAtEnd)
      throws IOException, UnsafeImageException {
    long at = footerAtEnd ? img.size() - FOOTER : 0;
    ByteBuffer f = img.readFully(at, FOOTER, ByteOrder.BIG_ENDIAN, "vhd footer");
    long currentSize = f.getLong(48);
    int diskType = f.getInt(60);
    if (diskType == TYPE_DIFFERENCING) {
      throw new UnsafeImageException(BACKING_FILE, "vhd differencing disk (has a parent)");
    }
    if (diskType != TYPE_FIXED && diskType != TYPE_DYNAMIC) {
      throw new UnsafeImageException(CORRUPT_HEADER, "vhd disk type " + diskType);
    }
    if (currentSize < 0 || currentSize > policy.maxVirtualSize()) {
      throw new UnsafeImageException(
          TOO_LARGE,
          "vhd size "
              + Long.toUnsignedString(currentSize)
              + " above limit "
              + policy.maxVirtualSize());
    }
    return new InspectedImage(
        DiskFormat.VHD,
        currentSize,
        img.size(),
        footerAtEnd ? List.of("vhd footer at end of file only") : List.of());
  }
}
