package io.cephflow.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScratchAreaTest {
  @TempDir Path dir;

  @Test
  void isPrivateAndNamesFilesOnlyByValidatedKeys() throws Exception {
    ScratchArea area = new ScratchArea(dir.resolve("scratch"));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(area.dir()))).isEqualTo("rwx------");
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
}
