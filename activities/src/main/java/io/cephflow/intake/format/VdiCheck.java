package io.cephflow.intake.format;

import static io.cephflow.intake.format.UnsafeImageException.Reason.BACKING_FILE;
import static io.cephflow.intake.format.UnsafeImageException.Reason.CORRUPT_HEADER;
import static io.cephflow.intake.format.UnsafeImageException.Reason.TOO_LARGE;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/** VirtualBox VDI 1.1, the only version qemu reads; little-endian. */
final class VdiCheck {

  static final long SIGNATURE_OFFSET = 0x40;
  static final byte[] MAGIC = {0x7f, 0x10, (byte) 0xda, (byte) 0xbe};

  private static final int HEADER = 0x178;
  private static final int VERSION_1_1 = 0x00010001;
  private static final int TYPE_DIFF = 4;

  private VdiCheck() {}

  static InspectedImage check(ImageBytes img, InspectionPolicy policy)
      throws IOException, UnsafeImageException {
    ByteBuffer h = img.readFully(0, HEADER, ByteOrder.LITTLE_ENDIAN, "vdi header");
    int version = h.getInt(0x44);
    int imageType = h.getInt(0x4c);
    long diskSize = h.getLong(0x170);
    if (version != VERSION_1_1) {
      throw new UnsafeImageException(
          CORRUPT_HEADER, "vdi version 0x" + Integer.toHexString(version));
    }
    if (imageType == TYPE_DIFF) {
      throw new UnsafeImageException(BACKING_FILE, "vdi differencing image (has a parent)");
    }
    if (diskSize < 0 || diskSize > policy.maxVirtualSize()) {
      throw new UnsafeImageException(
          TOO_LARGE,
          "vdi size "
              + Long.toUnsignedString(diskSize)
              + " above limit "
              + policy.maxVirtualSize());
    }
    return new InspectedImage(DiskFormat.VDI, diskSize, img.size(), List.of());
  }
}
