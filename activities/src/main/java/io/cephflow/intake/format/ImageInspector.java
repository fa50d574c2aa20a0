package io.cephflow.intake.format;

import static io.cephflow.intake.format.UnsafeImageException.Reason.AMBIGUOUS_FORMAT;
import static io.cephflow.intake.format.UnsafeImageException.Reason.FORMAT_MISMATCH;
import static io.cephflow.intake.format.UnsafeImageException.Reason.LUKS_NOT_ALLOWED;
import static io.cephflow.intake.format.UnsafeImageException.Reason.TOO_LARGE;
import static io.cephflow.intake.format.UnsafeImageException.Reason.UNSUPPORTED_FORMAT;
import static io.cephflow.intake.format.UnsafeImageException.Reason.VMDK_SUBFORMAT;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads image headers in Java before qemu sees the file, because qemu happily follows backing
 * files, data files and VMDK extents named by the image itself. Pure: no processes, no writes.
 */
public final class ImageInspector {

  private static final byte[] GPT_MAGIC = ImageBytes.ascii("EFI PART");

  private final InspectionPolicy policy;

  public ImageInspector(InspectionPolicy policy) {
    this.policy = policy;
  }

  public InspectedImage inspect(Path file, DiskFormat declared)
      throws IOException, UnsafeImageException {
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException("not a regular file (symlinks refused): " + file);
    }
    try (SeekableByteChannel ch =
        Files.newByteChannel(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      return inspect(ch, declared);
    }
  }

  public InspectedImage inspect(SeekableByteChannel channel, DiskFormat declared)
      throws IOException, UnsafeImageException {
    ImageBytes img = new ImageBytes(channel);
    Set<Signature> found = Signature.scan(img);
    if (found.size() > 1) {
      throw new UnsafeImageException(AMBIGUOUS_FORMAT, "signatures of " + found + " in one file");
    }
    Signature sig = found.isEmpty() ? null : found.iterator().next();
    boolean vhdFooterAtEnd =
        sig == null && declared == DiskFormat.VHD && VhdCheck.hasFooterAtEnd(img);
    DiskFormat actual = vhdFooterAtEnd ? DiskFormat.VHD : sig == null ? DiskFormat.RAW : sig.format;

    if (actual != declared) {
      throw new UnsafeImageException(
          FORMAT_MISMATCH, "declared " + name(declared) + " but the bytes are " + name(actual));
    }
    if (sig == Signature.VMDK_DESCRIPTOR) {
      throw new UnsafeImageException(
          VMDK_SUBFORMAT, "vmdk descriptor file (it can only point at other files)");
    }
    if (sig == Signature.VMDK3) {
      throw new UnsafeImageException(UNSUPPORTED_FORMAT, "VMDK3 (COWD) images are not accepted");
    }
    if (actual == DiskFormat.LUKS && !policy.allows(actual)) {
      throw new UnsafeImageException(LUKS_NOT_ALLOWED, "luks images are not allowed by policy");
    }
    if (!policy.allows(actual)) {
      throw new UnsafeImageException(UNSUPPORTED_FORMAT, name(actual) + " images are not accepted");
    }
    InspectedImage result =
        switch (actual) {
          case QCOW2 -> Qcow2Check.check(img, policy);
          case VMDK -> VmdkCheck.check(img, policy);
          case VHD -> VhdCheck.check(img, policy, vhdFooterAtEnd);
          case VHDX -> VhdxCheck.check(img, policy);
          case VDI -> VdiCheck.check(img, policy);
          case LUKS ->
              new InspectedImage(
                  actual,
                  img.size(),
                  img.size(),
                  List.of("luks payload size unknown without the key; file size used"));
          case RAW, ISO -> new InspectedImage(actual, img.size(), img.size(), partitionNotes(img));
          case QED ->
              throw new UnsafeImageException(UNSUPPORTED_FORMAT, "qed images are never accepted");
        };
    if (result.virtualSize() > policy.maxVirtualSize()) {
      throw new UnsafeImageException(
          TOO_LARGE,
          name(actual)
              + " virtual size "
              + result.virtualSize()
              + " above limit "
              + policy.maxVirtualSize());
    }
    return result;
  }

  /** A partition table is still raw data to qemu; it is worth a note, not a format. */
  private static List<String> partitionNotes(ImageBytes img) throws IOException {
    List<String> notes = new ArrayList<>();
    if (img.matches(512, GPT_MAGIC) || img.matches(4096, GPT_MAGIC)) {
      notes.add("gpt partition table");
    }
    var boot = img.read(510, 2, ByteOrder.BIG_ENDIAN);
    if (boot.remaining() == 2 && boot.get(0) == 0x55 && boot.get(1) == (byte) 0xaa) {
      notes.add("mbr boot signature");
    }
    return notes;
  }

  private static String name(DiskFormat f) {
    return f.name().toLowerCase();
  }
}
