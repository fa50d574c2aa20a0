package io.cephflow.intake.format;

import static io.cephflow.intake.format.UnsafeImageException.Reason.AMBIGUOUS_FORMAT;
import static io.cephflow.intake.format.UnsafeImageException.Reason.BACKING_FILE;
import static io.cephflow.intake.format.UnsafeImageException.Reason.CORRUPT_HEADER;
import static io.cephflow.intake.format.UnsafeImageException.Reason.DATA_FILE;
import static io.cephflow.intake.format.UnsafeImageException.Reason.FORMAT_MISMATCH;
import static io.cephflow.intake.format.UnsafeImageException.Reason.LUKS_NOT_ALLOWED;
import static io.cephflow.intake.format.UnsafeImageException.Reason.TOO_LARGE;
import static io.cephflow.intake.format.UnsafeImageException.Reason.UNSUPPORTED_FEATURE;
import static io.cephflow.intake.format.UnsafeImageException.Reason.UNSUPPORTED_FORMAT;
import static io.cephflow.intake.format.UnsafeImageException.Reason.VMDK_EXTENT;
import static io.cephflow.intake.format.UnsafeImageException.Reason.VMDK_SUBFORMAT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.cephflow.intake.Corpus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageInspectorTest {

  private static final long QCOW2_INCOMPAT_LSB = 79;

  @TempDir Path dir;
  Corpus corpus;
  ImageInspector inspector = new ImageInspector(InspectionPolicy.defaults());

  @BeforeEach
  void setUp() {
    corpus = new Corpus(dir);
  }

  private UnsafeImageException.Reason refusal(Path file, DiskFormat declared) {
    UnsafeImageException e =
        catchThrowableOfType(() -> inspector.inspect(file, declared), UnsafeImageException.class);
    assertThat(e).as("refusal of %s declared %s", file.getFileName(), declared).isNotNull();
    assertThat(e.getMessage()).startsWith(e.reason().name() + ": ");
    return e.reason();
  }

  @Test
  void qcow2BackingFileIsRefused() throws Exception {
    Path img = corpus.create("qcow2", "b.qcow2", "1M", "-u", "-b", "/etc/passwd", "-F", "raw");
    assertThat(refusal(img, DiskFormat.QCOW2)).isEqualTo(BACKING_FILE);
  }

  @Test
  void qcow2JsonBackingStringIsRefused() throws Exception {
    Path img =
        corpus.create(
            "qcow2",
            "j.qcow2",
            "1M",
            "-u",
            "-F",
            "raw",
            "-b",
            "json:{\"driver\":\"raw\",\"file\":{\"driver\":\"file\",\"filename\":\"/etc/passwd\"}}");
    assertThat(refusal(img, DiskFormat.QCOW2)).isEqualTo(BACKING_FILE);
  }

  @Test
  void qcow2DataFileIsRefused() throws Exception {
    Path img = corpus.create("qcow2", "d.qcow2", "1M", "-o", "data_file=" + dir.resolve("d.raw"));
    assertThat(refusal(img, DiskFormat.QCOW2)).isEqualTo(DATA_FILE);
  }

  @Test
  void qcow2DataFileExtensionIsRefusedEvenWithTheBitCleared() throws Exception {
    Path img = corpus.create("qcow2", "d.qcow2", "1M", "-o", "data_file=" + dir.resolve("d.raw"));
    Corpus.andByte(img, QCOW2_INCOMPAT_LSB, ~0x04);
    assertThat(refusal(img, DiskFormat.QCOW2)).isEqualTo(DATA_FILE);
  }

  @Test
  void qcow2DataFileBitAloneIsRefused() throws Exception {
    Path img = corpus.create("qcow2", "d.qcow2", "1M");
    Corpus.orByte(img, QCOW2_INCOMPAT_LSB, 0x04);
    assertThat(refusal(img, DiskFormat.QCOW2)).isEqualTo(DATA_FILE);
  }

  @Test
  void qcow2UnknownIncompatibleBitIsRefused() throws Exception {
    Path img = corpus.create("qcow2", "u.qcow2", "1M");
    Corpus.orByte(img, QCOW2_INCOMPAT_LSB, 0x20);
    assertThat(refusal(img, DiskFormat.QCOW2)).isEqualTo(UNSUPPORTED_FEATURE);
  }

  @Test
  void qcow2MarkedCorruptIsRefused() throws Exception {
    Path img = corpus.create("qcow2", "c.qcow2", "1M");
    Corpus.orByte(img, QCOW2_INCOMPAT_LSB, 0x02);
    assertThat(refusal(img, DiskFormat.QCOW2)).isEqualTo(CORRUPT_HEADER);
  }

  @Test
  void truncatedQcow2IsRefused() throws Exception {
    Path header = corpus.create("qcow2", "t1.qcow2", "1M");
    Corpus.truncate(header, 50);
    assertThat(refusal(header, DiskFormat.QCOW2)).isEqualTo(CORRUPT_HEADER);

    Path tables = corpus.create("qcow2", "t2.qcow2", "1M");
    Corpus.truncate(tables, 0x30000);
    assertThat(refusal(tables, DiskFormat.QCOW2)).isEqualTo(CORRUPT_HEADER);
  }

  @Test
  void qcow2BadClusterBitsIsRefused() throws Exception {
    Path img = corpus.create("qcow2", "cb.qcow2", "1M");
    Corpus.patch(img, 20, new byte[] {0, 0, 0, 30});
    assertThat(refusal(img, DiskFormat.QCOW2)).isEqualTo(CORRUPT_HEADER);
  }

  @Test
  void qcow2VirtualSizeBeyondTheLimitIsRefused() throws Exception {
    Path patched = corpus.create("qcow2", "h.qcow2", "1M");
    Corpus.putLongBE(patched, 24, 1L << 60);
    assertThat(refusal(patched, DiskFormat.QCOW2)).isEqualTo(TOO_LARGE);

    Path real = corpus.create("qcow2", "r.qcow2", "2T");
    assertThat(refusal(real, DiskFormat.QCOW2)).isEqualTo(TOO_LARGE);
    assertThat(
            new ImageInspector(InspectionPolicy.defaults().withMaxVirtualSize(4L << 40))
                .inspect(real, DiskFormat.QCOW2)
                .virtualSize())
        .isEqualTo(2L << 40);
  }

  @Test
  void declaredRawButReallyQcow2IsRefused() throws Exception {
    Path img = corpus.create("qcow2", "q.qcow2", "1M");
    assertThat(refusal(img, DiskFormat.RAW)).isEqualTo(FORMAT_MISMATCH);
  }

  @Test
  void declaredQcow2ButReallyRawIsRefused() throws Exception {
    Path img = corpus.sparseRaw("r.raw");
    assertThat(refusal(img, DiskFormat.QCOW2)).isEqualTo(FORMAT_MISMATCH);
  }

  @Test
  void qedIsAlwaysRefused() throws Exception {
    Path img = corpus.create("qed", "x.qed", "1M");
    assertThat(refusal(img, DiskFormat.QED)).isEqualTo(UNSUPPORTED_FORMAT);
    assertThat(refusal(img, DiskFormat.RAW)).isEqualTo(FORMAT_MISMATCH);
    InspectionPolicy evenIfListed = InspectionPolicy.defaults().allowing(DiskFormat.QED);
    assertThat(
            catchThrowableOfType(
                    () -> new ImageInspector(evenIfListed).inspect(img, DiskFormat.QED),
                    UnsafeImageException.class)
                .reason())
        .isEqualTo(UNSUPPORTED_FORMAT);
  }

  @Test
  void vmdkDescriptorFileIsRefused() throws Exception {
    Path img = corpus.create("vmdk", "flat.vmdk", "1M", "-o", "subformat=monolithicFlat");
    assertThat(Files.readString(img, StandardCharsets.ISO_8859_1))
        .contains("# Disk DescriptorFile");
    assertThat(refusal(img, DiskFormat.VMDK)).isEqualTo(VMDK_SUBFORMAT);
    assertThat(refusal(img, DiskFormat.RAW)).isEqualTo(FORMAT_MISMATCH);
  }

  @Test
  void handWrittenDescriptorNamingAHostFileIsRefused() throws Exception {
    Path img = dir.resolve("host.vmdk");
    Files.writeString(
        img,
        "# Disk DescriptorFile\nversion=1\nCID=fffffffe\nparentCID=ffffffff\n"
            + "createType=\"monolithicFlat\"\nRW 8 FLAT \"/etc/passwd\" 0\n");
    assertThat(refusal(img, DiskFormat.VMDK)).isEqualTo(VMDK_SUBFORMAT);
  }

  @Test
  void vmdkEmbeddedExtentNamingAHostFileIsRefused() throws Exception {
    Path img = corpus.create("vmdk", "e.vmdk", "1M");
    Corpus.editVmdkDescriptor(img, "SPARSE \"e.vmdk\"", "SPARSE \"/etc/passwd\"");
    assertThat(refusal(img, DiskFormat.VMDK)).isEqualTo(VMDK_EXTENT);
  }

  @Test
  void vmdkEmbeddedFlatExtentIsRefused() throws Exception {
    Path img = corpus.create("vmdk", "f.vmdk", "1M");
    Corpus.editVmdkDescriptor(img, "SPARSE \"f.vmdk\"", "FLAT \"passwd\" 0");
    assertThat(refusal(img, DiskFormat.VMDK)).isEqualTo(VMDK_EXTENT);
  }

  @Test
  void vmdkOtherCreateTypeIsRefused() throws Exception {
    Path img = corpus.create("vmdk", "c.vmdk", "1M");
    Corpus.editVmdkDescriptor(img, "monolithicSparse", "twoGbMaxExtentSparse");
    assertThat(refusal(img, DiskFormat.VMDK)).isEqualTo(VMDK_SUBFORMAT);
  }

  @Test
  void vmdkParentHintIsRefused() throws Exception {
    Path img = corpus.create("vmdk", "p.vmdk", "1M");
    Corpus.editVmdkDescriptor(
        img, "parentCID=ffffffff", "parentCID=12345678\nparentFileNameHint=\"/etc/passwd\"");
    assertThat(refusal(img, DiskFormat.VMDK)).isEqualTo(BACKING_FILE);
  }

  @Test
  void luksIsRefusedByDefault() throws Exception {
    Path img = corpus.luks1("x.luks", 4L << 20);
    assertThat(refusal(img, DiskFormat.LUKS)).isEqualTo(LUKS_NOT_ALLOWED);
    assertThat(refusal(img, DiskFormat.RAW)).isEqualTo(FORMAT_MISMATCH);
    InspectedImage allowed =
        new ImageInspector(InspectionPolicy.defaults().allowing(DiskFormat.LUKS))
            .inspect(img, DiskFormat.LUKS);
    assertThat(allowed.format()).isEqualTo(DiskFormat.LUKS);
  }

  @Test
  void polyglotQcow2AndIsoIsRefused() throws Exception {
    Path img = corpus.create("qcow2", "poly.qcow2", "1M");
    Corpus.patch(img, 0x8001, "CD001".getBytes(StandardCharsets.US_ASCII));
    assertThat(refusal(img, DiskFormat.QCOW2)).isEqualTo(AMBIGUOUS_FORMAT);
    assertThat(refusal(img, DiskFormat.ISO)).isEqualTo(AMBIGUOUS_FORMAT);
  }

  @Test
  void formatsOutsideThePolicyAreRefused() throws Exception {
    Path img = corpus.convert(corpus.sparseRaw("s.raw"), "vdi", "s.vdi");
    InspectionPolicy noVdi =
        new InspectionPolicy(java.util.Set.of(DiskFormat.RAW, DiskFormat.QCOW2), 1L << 40);
    assertThat(
            catchThrowableOfType(
                    () -> new ImageInspector(noVdi).inspect(img, DiskFormat.VDI),
                    UnsafeImageException.class)
                .reason())
        .isEqualTo(UNSUPPORTED_FORMAT);
  }

  @Test
  void rawLargerThanTheLimitIsRefused() throws Exception {
    Path img = corpus.sparseRaw("big.raw");
    ImageInspector small =
        new ImageInspector(InspectionPolicy.defaults().withMaxVirtualSize(1 << 20));
    assertThat(
            catchThrowableOfType(
                    () -> small.inspect(img, DiskFormat.RAW), UnsafeImageException.class)
                .reason())
        .isEqualTo(TOO_LARGE);
  }

  @Test
  void acceptedFormatsReportTheirVirtualSize() throws Exception {
    Path raw = corpus.sparseRaw("s.raw");
    long size = Corpus.SOURCE_SIZE;
    assertThat(inspector.inspect(raw, DiskFormat.RAW))
        .isEqualTo(new InspectedImage(DiskFormat.RAW, size, size, java.util.List.of()));
    assertThat(
            inspector
                .inspect(corpus.convert(raw, "qcow2", "s.qcow2"), DiskFormat.QCOW2)
                .virtualSize())
        .isEqualTo(size);
    assertThat(
            inspector
                .inspect(
                    corpus.convert(raw, "qcow2", "v2.qcow2", "-o", "compat=0.10"), DiskFormat.QCOW2)
                .virtualSize())
        .isEqualTo(size);
    assertThat(
            inspector.inspect(corpus.convert(raw, "vmdk", "s.vmdk"), DiskFormat.VMDK).virtualSize())
        .isEqualTo(size);
    assertThat(
            inspector
                .inspect(
                    corpus.convert(raw, "vmdk", "so.vmdk", "-o", "subformat=streamOptimized"),
                    DiskFormat.VMDK)
                .virtualSize())
        .isEqualTo(size);
    assertThat(
            inspector.inspect(corpus.convert(raw, "vhdx", "s.vhdx"), DiskFormat.VHDX).virtualSize())
        .isEqualTo(size);
    assertThat(inspector.inspect(corpus.convert(raw, "vdi", "s.vdi"), DiskFormat.VDI).virtualSize())
        .isEqualTo(size);
    assertThat(
            inspector
                .inspect(corpus.convert(raw, "vpc", "s.vhd", "-o", "force_size=on"), DiskFormat.VHD)
                .virtualSize())
        .isEqualTo(size);
    InspectedImage fixed =
        inspector.inspect(
            corpus.convert(raw, "vpc", "f.vhd", "-o", "subformat=fixed,force_size=on"),
            DiskFormat.VHD);
    assertThat(fixed.virtualSize()).isEqualTo(size);
    assertThat(fixed.notes()).isNotEmpty();
  }

  @Test
  void isoAndPartitionTablesAreRawLike() throws Exception {
    Path iso = corpus.sparseRaw("x.iso");
    Corpus.patch(iso, 0x8000, new byte[] {1, 'C', 'D', '0', '0', '1', 1});
    assertThat(inspector.inspect(iso, DiskFormat.ISO).format()).isEqualTo(DiskFormat.ISO);
    assertThat(refusal(iso, DiskFormat.RAW)).isEqualTo(FORMAT_MISMATCH);

    Path gpt = corpus.sparseRaw("gpt.raw");
    Corpus.patch(gpt, 510, new byte[] {0x55, (byte) 0xaa});
    Corpus.patch(gpt, 512, "EFI PART".getBytes(StandardCharsets.US_ASCII));
    InspectedImage disk = inspector.inspect(gpt, DiskFormat.RAW);
    assertThat(disk.format()).isEqualTo(DiskFormat.RAW);
    assertThat(disk.notes()).contains("gpt partition table", "mbr boot signature");
  }
}
