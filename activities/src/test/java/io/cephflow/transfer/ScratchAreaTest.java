package io.cephflow.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScratchAreaTest {
  @TempDir Path dir;

  @Test
  void isPrivateAndNamesFilesOnlyByValidatedKeys() throws Exception {
    ScratchArea area = new ScratchArea(dir.resolve("scratch"));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(area.dir())))
        .isEqualTo("rwx------");
    assertThat(area.file("upload-0b6ee3d6").getParent()).isEqualTo(area.dir());
    for (String bad : new String[] {"../etc/passwd", "/etc/passwd", "a/b", "", ".hidden", "A"}) {
      assertThatThrownBy(() -> area.file(bad)).isInstanceOf(IllegalArgumentException.class);
    }
    Files.writeString(area.file("k"), "x");
    area.remove("k");
    area.remove("k"); // idempotent
    assertThat(area.file("k")).doesNotExist();
  }

  @Test
  void sweepRemovesOnlyFilesUntouchedForTheMaximumAge() throws Exception {
    ScratchArea area = new ScratchArea(dir.resolve("scratch"));
    Path old = Files.writeString(area.file("upload-old"), "x");
    Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(Duration.ofHours(25))));
    Path fresh = Files.writeString(area.file("upload-fresh"), "y");
    Files.createDirectory(area.dir().resolve("subdir"));
    assertThat(area.sweep(Duration.ofHours(24))).containsExactly("upload-old");
    assertThat(old).doesNotExist();
    assertThat(fresh).exists();
    assertThat(area.dir().resolve("subdir")).isDirectory();
    assertThat(area.sweep(Duration.ofHours(24))).isEmpty();
  }

  @Test
  void stagingStopsShortOfTheReserveAndNamesBothLimits() throws Exception {
    long gib = 1L << 30;
    ScratchArea area =
        FakeSpaceScratch.of(
            dir.resolve("scratch"), ScratchArea.Reserve.DEFAULT, () -> 3 * gib, 100 * gib);
    // 5 % of 100 GiB is kept free (more than the 1 GiB floor): 3 GiB usable leaves 3 GiB - 5 GiB <
    // 0
    assertThatThrownBy(() -> area.stagingLimit(1L << 40).check(1))
        .isInstanceOf(SourceTooLargeException.class);

    ScratchArea roomy =
        FakeSpaceScratch.of(
            dir.resolve("roomy"), ScratchArea.Reserve.DEFAULT, () -> 12 * gib, 20 * gib);
    StagingLimit limit = roomy.stagingLimit(1L << 40);
    assertThat(limit.bytes())
        .isEqualTo(11 * gib); // 12 GiB usable less the 1 GiB floor (5 % would be 1 GiB too)
    limit.check(11 * gib);
    assertThatThrownBy(() -> limit.checkAnnounced(11 * gib + 1))
        .isInstanceOfSatisfying(
            SourceTooLargeException.class,
            e ->
                assertThat(e)
                    .hasMessageContaining(String.valueOf(11 * gib))
                    .hasMessageContaining(String.valueOf(1L << 40))
                    .hasMessageContaining(String.valueOf(12 * gib))
                    .hasMessageContaining(String.valueOf(gib)));

    StagingLimit capped = roomy.stagingLimit(1000);
    assertThat(capped.bytes()).isEqualTo(1000);
    capped.check(1000);
    assertThatThrownBy(() -> capped.check(1001)).isInstanceOf(SourceTooLargeException.class);
  }

  @Test
  void stagingReadsFreeSpaceAgainAsItGoesSinceOthersStageToo() throws Exception {
    long mib = 1L << 20;
    AtomicLong usable = new AtomicLong(2048 * mib);
    ScratchArea area =
        FakeSpaceScratch.of(
            dir.resolve("scratch"),
            new ScratchArea.Reserve(1024 * mib, 0),
            usable::get,
            4096 * mib);
    StagingLimit limit = area.stagingLimit(1L << 40);
    assertThat(limit.bytes()).isEqualTo(1024 * mib);
    // we wrote 64 MiB, someone else 900 MiB: 1084 MiB usable, 60 MiB of it above the reserve
    usable.set((2048 - 64 - 900) * mib);
    limit.check(64 * mib);
    assertThat(limit.bytes()).isEqualTo(124 * mib);
    assertThatThrownBy(() -> limit.check(124 * mib + 1))
        .isInstanceOf(SourceTooLargeException.class);
  }

  @Test
  void theReserveIsTheLargerOfItsBytesAndItsShare() {
    assertThat(new ScratchArea.Reserve(1L << 30, 5).of(100L << 30)).isEqualTo(5L << 30);
    assertThat(new ScratchArea.Reserve(1L << 30, 5).of(10L << 30)).isEqualTo(1L << 30);
    assertThatThrownBy(() -> new ScratchArea.Reserve(0, 101))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
