package io.cephflow.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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
}
