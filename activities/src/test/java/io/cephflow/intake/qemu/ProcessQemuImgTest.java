package io.cephflow.intake.qemu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.cephflow.intake.Corpus;
import io.cephflow.intake.ImageIntake;
import io.cephflow.intake.VettedImage;
import io.cephflow.intake.format.DiskFormat;
import io.cephflow.intake.format.InspectedImage;
import io.cephflow.intake.format.InspectionPolicy;
import io.cephflow.intake.format.UnsafeImageException;
import io.cephflow.intake.format.UnsafeImageException.Reason;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ProcessQemuImgTest {

  @TempDir Path dir;
  Corpus corpus;
  Path source;
  String sourceSha;
  final ProcessQemuImg qemu = new ProcessQemuImg();
  final ImageIntake intake = new ImageIntake(InspectionPolicy.defaults(), qemu);

  @BeforeEach
  void setUp() throws IOException {
    corpus = new Corpus(dir);
    source = corpus.sparseRaw("source.raw");
    sourceSha = Corpus.sha256(source);
  }

  @AfterEach
  void nothingLeftBehind() throws IOException {
    assertThat(Corpus.leftovers()).isEmpty();
  }

  static Stream<Arguments> acceptedImages() {
    return Stream.of(
        Arguments.of("raw", DiskFormat.RAW, List.of()),
        Arguments.of("qcow2", DiskFormat.QCOW2, List.of()),
        Arguments.of("qcow2", DiskFormat.QCOW2, List.of("-c")),
        Arguments.of("qcow2", DiskFormat.QCOW2, List.of("-o", "compat=0.10")),
        Arguments.of("qcow2", DiskFormat.QCOW2, List.of("-o", "extended_l2=on,cluster_size=128k")),
        Arguments.of(
            "qcow2",
            DiskFormat.QCOW2,
            List.of("-c", "-o", "compression_type=zstd,lazy_refcounts=on")),
        Arguments.of("vmdk", DiskFormat.VMDK, List.of()),
        Arguments.of("vmdk", DiskFormat.VMDK, List.of("-o", "subformat=streamOptimized")),
        Arguments.of("vhdx", DiskFormat.VHDX, List.of()),
        Arguments.of("vdi", DiskFormat.VDI, List.of()),
        Arguments.of("vpc", DiskFormat.VHD, List.of("-o", "force_size=on")),
        Arguments.of("vpc", DiskFormat.VHD, List.of("-o", "subformat=fixed,force_size=on")));
  }

  @ParameterizedTest(name = "{0} {2}")
  @MethodSource("acceptedImages")
  void acceptedImagesDecodeToTheOriginalBytes(
      String qemuFormat, DiskFormat format, List<String> opts) throws Exception {
    Path image =
        corpus.convert(source, qemuFormat, "image." + qemuFormat, opts.toArray(String[]::new));

    VettedImage vetted = intake.vet(image, format);
    assertThat(vetted.virtualSize()).isEqualTo(Corpus.SOURCE_SIZE);
    assertThat(vetted.qemu().format()).isEqualTo(format.qemuDriver());

    List<Double> progress = new ArrayList<>();
    Path converted = dir.resolve("converted.raw");
    qemu.convertToRaw(image, format, converted, progress::add);
    assertThat(Corpus.sha256(converted)).isEqualTo(sourceSha);
    assertThat(progress).isSorted().last().isEqualTo(100.0);

    Path streamed = dir.resolve("streamed.raw");
    long yielded = stream(image, format, streamed);
    assertThat(Corpus.sha256(streamed)).isEqualTo(sourceSha);
    assertThat(yielded).as("holes and zero blocks skipped").isEqualTo(Corpus.dataBytes());
    assertThat(yielded).isLessThan(Corpus.SOURCE_SIZE / 8);

    Path mapped = dir.resolve("mapped.raw");
    drain(qemu.openRawData(image, format, vetted.virtualSize()), mapped);
    assertThat(Corpus.sha256(mapped)).as("qemu-img map + direct reads").isEqualTo(sourceSha);
  }

  static Stream<Arguments> mappedPaths() {
    return Stream
        .of( // format, options, bytes read from the file as stored?, bytes decoded by qemu-nbd?
            Arguments.of("qcow2", DiskFormat.QCOW2, List.of(), true, false),
            Arguments.of("qcow2", DiskFormat.QCOW2, List.of("-c"), true, true),
            Arguments.of("vmdk", DiskFormat.VMDK, List.of(), true, false),
            Arguments.of(
                "vmdk", DiskFormat.VMDK, List.of("-o", "subformat=streamOptimized"), false, true),
            Arguments.of("vdi", DiskFormat.VDI, List.of(), true, false),
            Arguments.of("vhdx", DiskFormat.VHDX, List.of(), false, true));
  }

  @ParameterizedTest(name = "{0} {2}")
  @MethodSource("mappedPaths")
  void storedClustersAreReadFromTheFileTheRestThroughQemuNbd(
      String qemuFormat, DiskFormat format, List<String> opts, boolean direct, boolean decoded)
      throws Exception {
    // 2 MiB of text (compresses: -c stores it compressed) and 2 MiB of random bytes (does not)
    Path mixed = dir.resolve("mixed.raw");
    byte[] text =
        "cephflow "
            .repeat(1 << 18)
            .substring(0, 2 << 20)
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    byte[] noise = new byte[2 << 20];
    new java.util.Random(7).nextBytes(noise);
    try (RandomAccessFile f = new RandomAccessFile(mixed.toFile(), "rw")) {
      f.setLength(16 << 20);
      f.seek(1 << 20);
      f.write(text);
      f.seek(8 << 20);
      f.write(noise);
    }
    Path image =
        corpus.convert(mixed, qemuFormat, "mixed." + qemuFormat, opts.toArray(String[]::new));
    VettedImage vetted = intake.vet(image, format);

    Path out = dir.resolve("out.raw");
    MappedRawSource src = (MappedRawSource) qemu.openRawData(image, format, vetted.virtualSize());
    drain(src, out);
    assertThat(Corpus.sha256(out)).isEqualTo(Corpus.sha256(mixed));
    assertThat(src.directBytes() > 0).as("read from the file as stored").isEqualTo(direct);
    assertThat(src.decodedBytes() > 0).as("decoded by qemu-nbd").isEqualTo(decoded);
    if (format
        != DiskFormat
            .VHDX) { // qemu maps a VHDX as data throughout; the RBD writer drops its zero chunks
      assertThat(src.directBytes() + src.decodedBytes()).as("holes skipped").isLessThan(8 << 20);
    }
  }

  @Test
  void aMapThatDoesNotMatchTheVettedSizeFailsAndCleansUp() throws Exception {
    Path image = corpus.convert(source, "qcow2", "image.qcow2");
    try (var src = qemu.openRawData(image, DiskFormat.QCOW2, Corpus.SOURCE_SIZE + (1 << 20))) {
      java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocateDirect(2 << 20);
      assertThatThrownBy(
              () -> {
                while (src.next(buf.clear()) >= 0) {
                  // drain
                }
              })
          .isInstanceOf(QemuProcessException.class)
          .hasMessageContaining("covers " + Corpus.SOURCE_SIZE);
    }
  }

  @Test
  void isoIsReadThroughTheRawDriver() throws Exception {
    Corpus.patch(source, 0x8000, new byte[] {1, 'C', 'D', '0', '0', '1', 1});
    VettedImage vetted = intake.vet(source, DiskFormat.ISO);
    assertThat(vetted.qemu().format()).isEqualTo("raw");
    Path converted = dir.resolve("converted.raw");
    qemu.convertToRaw(source, DiskFormat.ISO, converted, ProgressListener.NONE);
    assertThat(Corpus.sha256(converted)).isEqualTo(Corpus.sha256(source));
    Path streamed = dir.resolve("streamed.raw");
    stream(source, DiskFormat.ISO, streamed);
    assertThat(Corpus.sha256(streamed)).isEqualTo(Corpus.sha256(source));
  }

  @Test
  void hostileFileNamesReachQemuAsPlainFiles() throws Exception {
    Path image = corpus.convert(source, "qcow2", "-rbd:pool,x=json:{}.qcow2");
    VettedImage vetted = intake.vet(image, DiskFormat.QCOW2);
    assertThat(vetted.virtualSize()).isEqualTo(Corpus.SOURCE_SIZE);
    Path streamed = dir.resolve("streamed.raw");
    stream(image, DiskFormat.QCOW2, streamed);
    assertThat(Corpus.sha256(streamed)).isEqualTo(sourceSha);
  }

  /** qemu itself opens these; the agreement check is the second wall behind the inspector. */
  @Test
  void agreementRefusesWhatQemuWouldFollow() throws Exception {
    Path backing = corpus.create("qcow2", "b.qcow2", "1M", "-u", "-b", "/etc/passwd", "-F", "raw");
    assertThat(agreementRefusal(backing, DiskFormat.QCOW2, 1 << 20)).isEqualTo(Reason.BACKING_FILE);

    Path json =
        corpus.create(
            "qcow2",
            "j.qcow2",
            "1M",
            "-u",
            "-F",
            "raw",
            "-b",
            "json:{\"driver\":\"raw\",\"file\":{\"driver\":\"file\",\"filename\":\"/etc/passwd\"}}");
    assertThat(agreementRefusal(json, DiskFormat.QCOW2, 1 << 20)).isEqualTo(Reason.BACKING_FILE);

    Path data = corpus.create("qcow2", "d.qcow2", "1M", "-o", "data_file=" + dir.resolve("d.raw"));
    assertThat(agreementRefusal(data, DiskFormat.QCOW2, 1 << 20)).isEqualTo(Reason.DATA_FILE);

    Path descriptor = dir.resolve("host.vmdk");
    Files.writeString(
        descriptor,
        "# Disk DescriptorFile\nversion=1\nCID=fffffffe\nparentCID=ffffffff\n"
            + "createType=\"monolithicFlat\"\nRW 8 FLAT \"/etc/passwd\" 0\n");
    assertThat(agreementRefusal(descriptor, DiskFormat.VMDK, 4096)).isEqualTo(Reason.VMDK_EXTENT);
  }

  @Test
  void agreementRefusesADifferentFormatOrSize() throws Exception {
    QemuImageInfo raw = qemu.info(source, DiskFormat.RAW);
    long size = Corpus.SOURCE_SIZE;
    assertThat(
            catchThrowableOfType(
                    () ->
                        QemuAgreement.check(
                            source,
                            new InspectedImage(DiskFormat.QCOW2, size, size, List.of()),
                            raw,
                            1L << 40),
                    UnsafeImageException.class)
                .reason())
        .isEqualTo(Reason.QEMU_DISAGREES);
    assertThat(
            catchThrowableOfType(
                    () ->
                        QemuAgreement.check(
                            source,
                            new InspectedImage(DiskFormat.RAW, size - 512, size, List.of()),
                            raw,
                            1L << 40),
                    UnsafeImageException.class)
                .reason())
        .isEqualTo(Reason.QEMU_DISAGREES);
    assertThat(
            catchThrowableOfType(
                    () ->
                        QemuAgreement.check(
                            source,
                            new InspectedImage(DiskFormat.RAW, size, size, List.of()),
                            raw,
                            size - 1),
                    UnsafeImageException.class)
                .reason())
        .isEqualTo(Reason.TOO_LARGE);
  }

  @Test
  void qemuFailureIsTyped() throws Exception {
    Path img = corpus.create("qcow2", "u.qcow2", "1M");
    Corpus.orByte(img, 79, 0x20);
    QemuProcessException info =
        catchThrowableOfType(() -> qemu.info(img, DiskFormat.QCOW2), QemuProcessException.class);
    assertThat(info.kind()).isEqualTo(QemuProcessException.Kind.FAILED);
    assertThat(info.getMessage()).contains("Unsupported qcow2 feature");

    QemuProcessException nbd =
        catchThrowableOfType(() -> qemu.openRaw(img, DiskFormat.QCOW2), QemuProcessException.class);
    assertThat(nbd.kind()).isEqualTo(QemuProcessException.Kind.FAILED);
  }

  @Test
  void processesPastTheirDeadlineAreKilled() throws Exception {
    Path image = corpus.convert(source, "qcow2", "image.qcow2");
    QemuLimits instant = QemuLimits.forInfo().withWallTimeout(Duration.ofNanos(1));
    ProcessQemuImg hasty = new ProcessQemuImg(instant, instant, 4 << 20);

    assertThat(
            catchThrowableOfType(
                    () -> hasty.info(image, DiskFormat.QCOW2), QemuProcessException.class)
                .kind())
        .isEqualTo(QemuProcessException.Kind.TIMED_OUT);

    Path target = dir.resolve("out.raw");
    assertThat(
            catchThrowableOfType(
                    () ->
                        hasty.convertToRaw(image, DiskFormat.QCOW2, target, ProgressListener.NONE),
                    QemuProcessException.class)
                .kind())
        .isEqualTo(QemuProcessException.Kind.TIMED_OUT);
    assertThat(target).doesNotExist();

    assertThat(
            catchThrowableOfType(
                    () -> hasty.openRaw(image, DiskFormat.QCOW2), QemuProcessException.class)
                .kind())
        .isEqualTo(QemuProcessException.Kind.TIMED_OUT);

    // qemu-img map times out, and so does the qemu-nbd it falls back on
    assertThat(
            catchThrowableOfType(
                    () -> hasty.openRawData(image, DiskFormat.QCOW2, Corpus.SOURCE_SIZE),
                    QemuProcessException.class)
                .kind())
        .isEqualTo(QemuProcessException.Kind.TIMED_OUT);
  }

  @Test
  void memoryLimitIsEnforced() throws Exception {
    Path image = corpus.convert(source, "qcow2", "image.qcow2");
    QemuLimits tiny = new QemuLimits(16L << 20, 30, Duration.ofSeconds(30));
    ProcessQemuImg starved = new ProcessQemuImg(tiny, tiny, 4 << 20);
    assertThat(
            catchThrowableOfType(
                    () -> starved.info(image, DiskFormat.QCOW2), QemuProcessException.class)
                .kind())
        .isEqualTo(QemuProcessException.Kind.LIMIT_EXCEEDED);
    assertThat(
            catchThrowableOfType(
                    () -> starved.openRaw(image, DiskFormat.QCOW2), QemuProcessException.class)
                .kind())
        .isEqualTo(QemuProcessException.Kind.LIMIT_EXCEEDED);
  }

  @Test
  void convertTargetMustBeAbsolute() {
    assertThatThrownBy(
            () ->
                qemu.convertToRaw(
                    source, DiskFormat.RAW, Path.of("rbd:pool/img"), ProgressListener.NONE))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void closingMidStreamStopsQemuNbd() throws Exception {
    Path image = corpus.convert(source, "qcow2", "image.qcow2");
    try (RawExtentSource src = qemu.openRaw(image, DiskFormat.QCOW2)) {
      assertThat(src.virtualSize()).isEqualTo(Corpus.SOURCE_SIZE);
      assertThat(src.next()).isNotNull();
      assertThat(Corpus.leftovers()).isNotEmpty();
    }
  }

  private Reason agreementRefusal(Path image, DiskFormat format, long size) throws IOException {
    QemuImageInfo info = qemu.info(image, format);
    InspectedImage pretend = new InspectedImage(format, size, Files.size(image), List.of());
    return catchThrowableOfType(
            () -> QemuAgreement.check(image, pretend, info, 1L << 40), UnsafeImageException.class)
        .reason();
  }

  /** Writes every region of {@code src} into {@code out} (of the source's size), then closes it. */
  static void drain(io.cephflow.ceph.DataSource src, Path out) throws IOException {
    try (src;
        RandomAccessFile f = new RandomAccessFile(out.toFile(), "rw")) {
      f.setLength(src.size());
      java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocateDirect(2 << 20);
      for (long off = src.next(buf.clear()); off >= 0; off = src.next(buf.clear())) {
        buf.flip();
        while (buf.hasRemaining()) {
          f.getChannel().write(buf, off + buf.position());
        }
      }
    }
  }

  /** Writes every yielded extent into a file of the virtual size; returns the bytes yielded. */
  private long stream(Path image, DiskFormat format, Path out) throws IOException {
    long yielded = 0;
    long lastEnd = 0;
    try (RawExtentSource src = qemu.openRaw(image, format);
        RandomAccessFile f = new RandomAccessFile(out.toFile(), "rw")) {
      f.setLength(src.virtualSize());
      for (RawExtent e = src.next(); e != null; e = src.next()) {
        assertThat(e.offset()).as("ascending, non-overlapping").isGreaterThanOrEqualTo(lastEnd);
        lastEnd = e.offset() + e.length();
        yielded += e.length();
        f.getChannel().write(e.data(), e.offset());
      }
    }
    return yielded;
  }
}
