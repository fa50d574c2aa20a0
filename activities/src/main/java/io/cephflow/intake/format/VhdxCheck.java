package io.cephflow.intake.format;

import static io.cephflow.intake.format.UnsafeImageException.Reason.BACKING_FILE;
import static io.cephflow.intake.format.UnsafeImageException.Reason.CORRUPT_HEADER;
import static io.cephflow.intake.format.UnsafeImageException.Reason.TOO_LARGE;
import static io.cephflow.intake.format.UnsafeImageException.Reason.UNSUPPORTED_FEATURE;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * VHDX: the virtual size and the parent flag live in the metadata region, found through the region
 * table at 192 KiB. Layout from MS-VHDX; GUIDs are stored mixed-endian.
 */
final class VhdxCheck {

  static final byte[] MAGIC = ImageBytes.ascii("vhdxfile");

  private static final long REGION_TABLE = 192 * 1024;
  private static final int REGION_TABLE_SIZE = 64 * 1024;
  private static final int REGION_ENTRY = 32;
  private static final int MAX_REGIONS = 2047;
  private static final int METADATA_TABLE_SIZE = 64 * 1024;
  private static final int METADATA_ENTRY = 32;
  private static final int MAX_METADATA_ENTRIES = 2047;

  private static final byte[] REGION_SIGNATURE = ImageBytes.ascii("regi");
  private static final byte[] METADATA_SIGNATURE = ImageBytes.ascii("metadata");
  private static final byte[] BAT = guid("2DC27766-F623-4200-9D64-115E9BFD4A08");
  private static final byte[] METADATA = guid("8B7CA206-4790-4B9A-B8FE-575F050F886E");
  private static final byte[] FILE_PARAMETERS = guid("CAA16737-FA36-4D43-B3B6-33F0AA44E76B");
  private static final byte[] VIRTUAL_DISK_SIZE = guid("2FA54224-CD1B-4876-B211-5DBED83BF4B8");
  private static final byte[] PARENT_LOCATOR = guid("A8D35F2D-B30B-454D-ABF7-D3D84834AB0C");
  private static final int HAS_PARENT = 1 << 1;

  private VhdxCheck() {}

  static InspectedImage check(ImageBytes img, InspectionPolicy policy)
      throws IOException, UnsafeImageException {
    long metadataOffset = metadataRegion(img);
    ByteBuffer table =
        img.readFully(
            metadataOffset, METADATA_TABLE_SIZE, ByteOrder.LITTLE_ENDIAN, "vhdx metadata table");
    if (!startsWith(table, METADATA_SIGNATURE)) {
      throw new UnsafeImageException(CORRUPT_HEADER, "vhdx metadata table signature missing");
    }
    int count = Short.toUnsignedInt(table.getShort(10));
    if (count > MAX_METADATA_ENTRIES) {
      throw new UnsafeImageException(CORRUPT_HEADER, "vhdx metadata entry count " + count);
    }
    Long virtualSize = null;
    for (int i = 0; i < count; i++) {
      int e = 32 + i * METADATA_ENTRY;
      byte[] id = bytes(table, e, 16);
      long itemOffset = Integer.toUnsignedLong(table.getInt(e + 16));
      long itemLength = Integer.toUnsignedLong(table.getInt(e + 20));
      if (Arrays.equals(id, PARENT_LOCATOR)) {
        throw new UnsafeImageException(BACKING_FILE, "vhdx has a parent locator");
      }
      if (Arrays.equals(id, VIRTUAL_DISK_SIZE) && itemLength >= 8) {
        virtualSize =
            img.readFully(
                    metadataOffset + itemOffset,
                    8,
                    ByteOrder.LITTLE_ENDIAN,
                    "vhdx virtual disk size")
                .getLong(0);
      }
      if (Arrays.equals(id, FILE_PARAMETERS) && itemLength >= 8) {
        int flags =
            img.readFully(
                    metadataOffset + itemOffset, 8, ByteOrder.LITTLE_ENDIAN, "vhdx file parameters")
                .getInt(4);
        if ((flags & HAS_PARENT) != 0) {
          throw new UnsafeImageException(BACKING_FILE, "vhdx differencing disk (HasParent)");
        }
      }
    }
    if (virtualSize == null) {
      throw new UnsafeImageException(CORRUPT_HEADER, "vhdx metadata has no virtual disk size");
    }
    if (virtualSize < 0 || virtualSize > policy.maxVirtualSize()) {
      throw new UnsafeImageException(
          TOO_LARGE,
          "vhdx size "
              + Long.toUnsignedString(virtualSize)
              + " above limit "
              + policy.maxVirtualSize());
    }
    return new InspectedImage(DiskFormat.VHDX, virtualSize, img.size(), List.of());
  }

  private static long metadataRegion(ImageBytes img) throws IOException, UnsafeImageException {
    ByteBuffer rt =
        img.readFully(
            REGION_TABLE, REGION_TABLE_SIZE, ByteOrder.LITTLE_ENDIAN, "vhdx region table");
    if (!startsWith(rt, REGION_SIGNATURE)) {
      throw new UnsafeImageException(CORRUPT_HEADER, "vhdx region table signature missing");
    }
    long count = Integer.toUnsignedLong(rt.getInt(8));
    if (count > MAX_REGIONS) {
      throw new UnsafeImageException(CORRUPT_HEADER, "vhdx region count " + count);
    }
    Long metadata = null;
    for (int i = 0; i < count; i++) {
      int e = 16 + i * REGION_ENTRY;
      byte[] id = bytes(rt, e, 16);
      long offset = rt.getLong(e + 16);
      boolean required = (rt.getInt(e + 28) & 1) != 0;
      if (Arrays.equals(id, METADATA)) {
        metadata = offset;
      } else if (required && !Arrays.equals(id, BAT)) {
        throw new UnsafeImageException(UNSUPPORTED_FEATURE, "vhdx unknown required region " + i);
      }
    }
    if (metadata == null || metadata < 0 || metadata >= img.size()) {
      throw new UnsafeImageException(
          CORRUPT_HEADER, "vhdx metadata region missing or outside the file");
    }
    return metadata;
  }

  private static boolean startsWith(ByteBuffer b, byte[] prefix) {
    return Arrays.equals(bytes(b, 0, prefix.length), prefix);
  }

  private static byte[] bytes(ByteBuffer b, int at, int n) {
    byte[] out = new byte[n];
    b.get(at, out);
    return out;
  }

  /** First three GUID fields little-endian, the last eight bytes as written. */
  static byte[] guid(String text) {
    UUID u = UUID.fromString(text);
    ByteBuffer be =
        ByteBuffer.allocate(16)
            .putLong(u.getMostSignificantBits())
            .putLong(u.getLeastSignificantBits());
    byte[] b = be.array();
    byte[] out = b.clone();
    out[0] = b[3];
    out[1] = b[2];
    out[2] = b[1];
    out[3] = b[0];
    out[4] = b[5];
    out[5] = b[4];
    out[6] = b[7];
    out[7] = b[6];
    return out;
  }
}
