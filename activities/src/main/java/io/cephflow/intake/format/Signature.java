package io.cephflow.intake.format;

import java.io.IOException;
import java.util.EnumSet;
import java.util.Set;

/** Container-format signatures. Any one of them means the bytes are not plain raw data. */
enum Signature {
  QCOW2(DiskFormat.QCOW2),
  QED(DiskFormat.QED),
  VMDK_SPARSE(DiskFormat.VMDK),
  VMDK_DESCRIPTOR(DiskFormat.VMDK),
  VMDK3(DiskFormat.VMDK),
  VHD(DiskFormat.VHD),
  VHDX(DiskFormat.VHDX),
  VDI(DiskFormat.VDI),
  LUKS(DiskFormat.LUKS),
  ISO(DiskFormat.ISO);

  private static final byte[] QED_MAGIC = {'Q', 'E', 'D', 0};
  private static final byte[] LUKS_MAGIC = {'L', 'U', 'K', 'S', (byte) 0xba, (byte) 0xbe};
  private static final byte[] ISO_MAGIC = ImageBytes.ascii("CD001");

  /**
   * ISO 9660 system area is 16 sectors of 2 KiB; the first volume descriptor's id follows its type
   * byte.
   */
  private static final long ISO_OFFSET = 0x8001;

  final DiskFormat format;

  Signature(DiskFormat format) {
    this.format = format;
  }

  /** Every signature found: callers refuse more than one, which defeats polyglot files. */
  static Set<Signature> scan(ImageBytes img) throws IOException {
    Set<Signature> found = EnumSet.noneOf(Signature.class);
    if (img.matches(0, Qcow2Check.MAGIC)) {
      found.add(QCOW2);
    }
    if (img.matches(0, QED_MAGIC)) {
      found.add(QED);
    }
    if (img.matches(0, VmdkCheck.MAGIC)) {
      found.add(VMDK_SPARSE);
    }
    if (img.matches(0, VmdkCheck.VMDK3_MAGIC)) {
      found.add(VMDK3);
    }
    if (VmdkCheck.looksLikeDescriptorFile(img)) {
      found.add(VMDK_DESCRIPTOR);
    }
    if (img.matches(0, VhdCheck.MAGIC)) {
      found.add(VHD);
    }
    if (img.matches(0, VhdxCheck.MAGIC)) {
      found.add(VHDX);
    }
    if (img.matches(VdiCheck.SIGNATURE_OFFSET, VdiCheck.MAGIC)) {
      found.add(VDI);
    }
    if (img.matches(0, LUKS_MAGIC)) {
      found.add(LUKS);
    }
    if (img.matches(ISO_OFFSET, ISO_MAGIC)) {
      found.add(ISO);
    }
    return found;
  }
}
