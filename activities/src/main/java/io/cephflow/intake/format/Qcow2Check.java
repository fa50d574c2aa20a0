package io.cephflow.intake.format;

import static io.cephflow.intake.format.UnsafeImageException.Reason.BACKING_FILE;
import static io.cephflow.intake.format.UnsafeImageException.Reason.CORRUPT_HEADER;
import static io.cephflow.intake.format.UnsafeImageException.Reason.DATA_FILE;
import static io.cephflow.intake.format.UnsafeImageException.Reason.LUKS_NOT_ALLOWED;
import static io.cephflow.intake.format.UnsafeImageException.Reason.TOO_LARGE;
import static io.cephflow.intake.format.UnsafeImageException.Reason.UNSUPPORTED_FEATURE;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/** qcow2 header rules (docs/interop/qcow2.txt); everything big-endian. */
final class Qcow2Check {

  static final byte[] MAGIC = {'Q', 'F', 'I', (byte) 0xfb};

  private static final int V2_HEADER_LENGTH = 72;
  private static final int V3_MIN_HEADER_LENGTH = 104;
  private static final long INCOMPAT_DIRTY = 1L;
  private static final long INCOMPAT_CORRUPT = 1L << 1;
  private static final long INCOMPAT_DATA_FILE = 1L << 2;
  private static final long INCOMPAT_COMPRESSION = 1L << 3;
  private static final long INCOMPAT_EXTENDED_L2 = 1L << 4;
  private static final long KNOWN_INCOMPAT =
      INCOMPAT_DIRTY
          | INCOMPAT_CORRUPT
          | INCOMPAT_DATA_FILE
          | INCOMPAT_COMPRESSION
          | INCOMPAT_EXTENDED_L2;
  private static final int EXT_END = 0;
  private static final int EXT_DATA_FILE = 0x44415441;

  /** Extensions are walked only inside the first cluster, as qemu does; this caps the walk. */
  private static final int MAX_EXTENSIONS = 1024;

  private Qcow2Check() {}

  static InspectedImage check(ImageBytes img, InspectionPolicy policy)
      throws IOException, UnsafeImageException {
    ByteBuffer h = img.readFully(0, V2_HEADER_LENGTH, ByteOrder.BIG_ENDIAN, "qcow2 header");
    int version = h.getInt(4);
    long backingOffset = h.getLong(8);
    int backingSize = h.getInt(16);
    int clusterBits = h.getInt(20);
    long size = h.getLong(24);
    int cryptMethod = h.getInt(32);
    long l1Size = Integer.toUnsignedLong(h.getInt(36));
    long l1Offset = h.getLong(40);
    long refcountOffset = h.getLong(48);
    long refcountClusters = Integer.toUnsignedLong(h.getInt(56));

    if (version != 2 && version != 3) {
      throw new UnsafeImageException(
          UNSUPPORTED_FEATURE, "qcow2 version " + version + " (only 2 and 3)");
    }
    if (backingOffset != 0 || backingSize != 0) {
      throw new UnsafeImageException(
          BACKING_FILE,
          "qcow2 names a backing file (offset " + backingOffset + ", length " + backingSize + ")");
    }
    if (clusterBits < 9 || clusterBits > 21) {
      throw new UnsafeImageException(
          CORRUPT_HEADER, "qcow2 cluster_bits " + clusterBits + " outside 9..21");
    }
    if (size < 0 || Long.compareUnsigned(size, policy.maxVirtualSize()) > 0) {
      throw new UnsafeImageException(
          TOO_LARGE,
          "qcow2 virtual size "
              + Long.toUnsignedString(size)
              + " above limit "
              + policy.maxVirtualSize());
    }
    if (cryptMethod == 1) {
      throw new UnsafeImageException(UNSUPPORTED_FEATURE, "qcow2 legacy AES encryption");
    }
    if (cryptMethod != 0 && !(cryptMethod == 2 && policy.allows(DiskFormat.LUKS))) {
      throw new UnsafeImageException(LUKS_NOT_ALLOWED, "qcow2 encryption method " + cryptMethod);
    }
    long clusterSize = 1L << clusterBits;
    requireInside(img, "L1 table", l1Offset, l1Size * 8);
    requireInside(img, "refcount table", refcountOffset, refcountClusters * clusterSize);

    int headerLength = V2_HEADER_LENGTH;
    if (version == 3) {
      ByteBuffer v3 =
          img.readFully(0, V3_MIN_HEADER_LENGTH, ByteOrder.BIG_ENDIAN, "qcow2 v3 header");
      long incompat = v3.getLong(72);
      headerLength = v3.getInt(100);
      if ((incompat & INCOMPAT_DATA_FILE) != 0) {
        throw new UnsafeImageException(DATA_FILE, "qcow2 external data file bit set");
      }
      if ((incompat & INCOMPAT_CORRUPT) != 0) {
        throw new UnsafeImageException(CORRUPT_HEADER, "qcow2 marked corrupt");
      }
      if ((incompat & ~KNOWN_INCOMPAT) != 0) {
        throw new UnsafeImageException(
            UNSUPPORTED_FEATURE,
            "qcow2 unknown incompatible features 0x"
                + Long.toHexString(incompat & ~KNOWN_INCOMPAT));
      }
      if (headerLength < V3_MIN_HEADER_LENGTH
          || headerLength % 8 != 0
          || headerLength > clusterSize) {
        throw new UnsafeImageException(CORRUPT_HEADER, "qcow2 header_length " + headerLength);
      }
    }
    checkExtensions(img, headerLength, clusterSize);
    return new InspectedImage(DiskFormat.QCOW2, size, img.size(), List.of());
  }

  /** The data-file name lives in an extension; refuse it even when the feature bit is cleared. */
  private static void checkExtensions(ImageBytes img, long start, long clusterSize)
      throws IOException, UnsafeImageException {
    long end = Math.min(clusterSize, img.size());
    long pos = start;
    for (int i = 0; i < MAX_EXTENSIONS && pos + 8 <= end; i++) {
      ByteBuffer e = img.readFully(pos, 8, ByteOrder.BIG_ENDIAN, "qcow2 header extension");
      int type = e.getInt(0);
      long length = Integer.toUnsignedLong(e.getInt(4));
      if (type == EXT_END) {
        return;
      }
      if (type == EXT_DATA_FILE) {
        throw new UnsafeImageException(
            DATA_FILE, "qcow2 external data file name extension present");
      }
      pos += 8 + ((length + 7) & ~7L);
      if (pos > end) {
        throw new UnsafeImageException(
            CORRUPT_HEADER, "qcow2 header extension runs past the first cluster");
      }
    }
  }

  private static void requireInside(ImageBytes img, String what, long offset, long length)
      throws UnsafeImageException {
    if (offset < 0 || length < 0 || offset > img.size() || length > img.size() - offset) {
      throw new UnsafeImageException(
          CORRUPT_HEADER,
          "qcow2 "
              + what
              + " at "
              + offset
              + " (+"
              + length
              + ") lies outside the "
              + img.size()
              + "-byte file");
    }
  }
}
