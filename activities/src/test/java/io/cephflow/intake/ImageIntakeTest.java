package io.cephflow.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.cephflow.intake.format.DiskFormat;
import io.cephflow.intake.format.InspectionPolicy;
import io.cephflow.intake.format.UnsafeImageException;
import io.cephflow.intake.format.UnsafeImageException.Reason;
import io.cephflow.intake.qemu.ProcessQemuImg;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageIntakeTest {

  @TempDir Path dir;

  @Test
  void vetRefusesBeforeQemuAndAcceptsWhatBothAgreeOn() throws Exception {
    Corpus corpus = new Corpus(dir);
    ImageIntake intake =
        new ImageIntake(
            InspectionPolicy.defaults().withMaxVirtualSize(64L << 20), new ProcessQemuImg());

    Path backing = corpus.create("qcow2", "b.qcow2", "1M", "-u", "-b", "/etc/passwd", "-F", "raw");
    assertThat(
            catchThrowableOfType(
                    () -> intake.vet(backing, DiskFormat.QCOW2), UnsafeImageException.class)
                .reason())
        .isEqualTo(Reason.BACKING_FILE);

    Path big = corpus.create("qcow2", "big.qcow2", "1G");
    assertThat(
            catchThrowableOfType(
                    () -> intake.vet(big, DiskFormat.QCOW2), UnsafeImageException.class)
                .reason())
        .isEqualTo(Reason.TOO_LARGE);

    Path good = corpus.convert(corpus.sparseRaw("s.raw"), "qcow2", "s.qcow2");
    VettedImage vetted = intake.vet(good, DiskFormat.QCOW2);
    assertThat(vetted.virtualSize()).isEqualTo(Corpus.SOURCE_SIZE);
    assertThat(vetted.qemu().actualSize()).isPositive();

    Path link = dir.resolve("link.qcow2");
    Files.createSymbolicLink(link, good);
    assertThat(
            catchThrowableOfType(
                () -> intake.vet(link, DiskFormat.QCOW2), java.io.IOException.class))
        .hasMessageContaining("symlinks refused");
  }
}
