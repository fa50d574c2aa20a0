package io.cephflow.intake.format;

import static io.cephflow.intake.format.UnsafeImageException.Reason.BACKING_FILE;
import static io.cephflow.intake.format.UnsafeImageException.Reason.CORRUPT_HEADER;
import static io.cephflow.intake.format.UnsafeImageException.Reason.TOO_LARGE;
import static io.cephflow.intake.format.UnsafeImageException.Reason.VMDK_EXTENT;
import static io.cephflow.intake.format.UnsafeImageException.Reason.VMDK_SUBFORMAT;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * VMDK: only a single self-contained sparse file is accepted. Descriptor files and extents naming
 * other files are how CVE-2022-47951 reads host files.
 */
final class VmdkCheck {

  static final byte[] MAGIC = {'K', 'D', 'M', 'V'};
  static final byte[] VMDK3_MAGIC = {'C', 'O', 'W', 'D'};

  private static final int HEADER_LENGTH = 512;
  private static final long SECTOR = 512;
  private static final long MAX_DESCRIPTOR = 1L << 20;
  private static final Set<String> ALLOWED_TYPES = Set.of("monolithicsparse", "streamoptimized");
  private static final Pattern CREATE_TYPE =
      Pattern.compile("^\\s*createType\\s*=\\s*\"?([^\"\\s]*)\"?\\s*$");
  private static final Pattern EXTENT =
      Pattern.compile("^\\s*(RW|RDONLY|NOACCESS)\\s+(\\d+)\\s+(\\S+)(?:\\s+\"([^\"]*)\")?.*$");

  private VmdkCheck() {}

  /** A text descriptor is never an acceptable upload: it exists only to point at other files. */
  static boolean looksLikeDescriptorFile(ImageBytes img) throws IOException {
    ByteBuffer head = img.read(0, 4096, ByteOrder.BIG_ENDIAN);
    String text = StandardCharsets.ISO_8859_1.decode(head).toString();
    int createType = text.indexOf("createType=");
    // a sparse extent embeds its descriptor too, but after a binary header full of NULs
    return text.startsWith("# Disk DescriptorFile")
        || createType >= 0 && text.substring(0, createType).indexOf('\0') < 0;
  }

  static InspectedImage check(ImageBytes img, InspectionPolicy policy)
      throws IOException, UnsafeImageException {
    ByteBuffer h = img.readFully(0, HEADER_LENGTH, ByteOrder.LITTLE_ENDIAN, "vmdk header");
    long capacitySectors = h.getLong(12);
    long descriptorOffset = h.getLong(28);
    long descriptorSectors = h.getLong(36);

    if (capacitySectors < 0 || capacitySectors > policy.maxVirtualSize() / SECTOR) {
      throw new UnsafeImageException(
          TOO_LARGE,
          "vmdk capacity "
              + Long.toUnsignedString(capacitySectors)
              + " sectors above limit "
              + policy.maxVirtualSize());
    }
    if (descriptorOffset == 0 || descriptorSectors == 0) {
      throw new UnsafeImageException(
          VMDK_SUBFORMAT, "vmdk sparse extent without an embedded descriptor");
    }
    if (descriptorSectors < 0 || descriptorSectors * SECTOR >= MAX_DESCRIPTOR) {
      throw new UnsafeImageException(
          CORRUPT_HEADER,
          "vmdk embedded descriptor of "
              + Long.toUnsignedString(descriptorSectors)
              + " sectors (limit 1 MiB)");
    }
    if (descriptorOffset < 0 || descriptorOffset > img.size() / SECTOR) {
      throw new UnsafeImageException(CORRUPT_HEADER, "vmdk descriptor offset beyond end of file");
    }
    ByteBuffer d =
        img.readFully(
            descriptorOffset * SECTOR,
            (int) (descriptorSectors * SECTOR),
            ByteOrder.LITTLE_ENDIAN,
            "vmdk embedded descriptor");
    String descriptor = StandardCharsets.ISO_8859_1.decode(d).toString();
    int nul = descriptor.indexOf('\0');
    checkDescriptor(nul >= 0 ? descriptor.substring(0, nul) : descriptor);
    return new InspectedImage(DiskFormat.VMDK, capacitySectors * SECTOR, img.size(), List.of());
  }

  private static void checkDescriptor(String descriptor) throws UnsafeImageException {
    String createType = null;
    List<String> extentNames = new ArrayList<>();
    for (String raw : descriptor.split("\r?\n")) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      Matcher ct = CREATE_TYPE.matcher(line);
      if (ct.matches()) {
        createType = ct.group(1);
        continue;
      }
      if (line.startsWith("parentFileNameHint")) {
        throw new UnsafeImageException(BACKING_FILE, "vmdk descriptor names a parent: " + line);
      }
      Matcher ex = EXTENT.matcher(line);
      if (ex.matches()) {
        String type = ex.group(3);
        String name = ex.group(4);
        if (name == null || name.contains("/") || name.contains("\\")) {
          throw new UnsafeImageException(VMDK_EXTENT, "vmdk extent names a path: " + line);
        }
        if (!type.equalsIgnoreCase("SPARSE")) {
          throw new UnsafeImageException(VMDK_EXTENT, "vmdk extent of type " + type + ": " + line);
        }
        extentNames.add(name);
      }
    }
    if (createType == null || !ALLOWED_TYPES.contains(createType.toLowerCase(Locale.ROOT))) {
      throw new UnsafeImageException(
          VMDK_SUBFORMAT,
          "vmdk createType " + createType + " (only monolithicSparse and streamOptimized)");
    }
    if (extentNames.size() != 1) {
      throw new UnsafeImageException(
          VMDK_EXTENT, "vmdk has " + extentNames.size() + " extents (exactly 1 allowed)");
    }
  }
}
