package io.cephflow.intake.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QemuTempFilesTest {
  @TempDir Path tmp;

  @Test
  void removesOnlyWhatJvmsThatAreGoneLeft() throws Exception {
    Process p = new ProcessBuilder("true").start();
    p.waitFor();
    long dead = p.pid();
    long alive = ProcessHandle.current().pid();
    Path deadMap = Files.writeString(tmp.resolve("cephflow-map-" + dead + "-1.json"), "[]");
    Path deadNbd = Files.createDirectory(tmp.resolve("cephflow-nbd-" + dead + "-x"));
    Files.writeString(deadNbd.resolve("s"), "");
    Path liveMap = Files.writeString(tmp.resolve("cephflow-map-" + alive + "-2.json"), "[]");
    Path liveNbd = Files.createDirectory(tmp.resolve("cephflow-nbd-" + alive + "-y"));
    Path other = Files.writeString(tmp.resolve("someone-else-" + dead), "");
    Path outside = Files.writeString(tmp.resolve("keep-me"), "");
    Files.createSymbolicLink(tmp.resolve("cephflow-map-" + dead + "-link"), outside);

    assertThat(QemuTempFiles.removeOrphans(tmp))
        .containsExactlyInAnyOrder(
            deadMap.getFileName().toString(), deadNbd.getFileName().toString());
    assertThat(deadMap).doesNotExist();
    assertThat(deadNbd).doesNotExist();
    assertThat(liveMap).exists();
    assertThat(liveNbd).exists();
    assertThat(other).exists();
    assertThat(outside).exists();
  }
}
