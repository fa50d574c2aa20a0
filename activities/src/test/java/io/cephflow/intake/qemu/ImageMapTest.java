package io.cephflow.intake.qemu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checks on qemu-img map's answer before any offset in it is used to read the file. */
class ImageMapTest {
  @TempDir Path dir;

  private List<ImageMap.Extent> read(String json, long virtualSize, long fileSize)
      throws IOException {
    Path f = Files.writeString(dir.resolve("map.json"), json);
    List<ImageMap.Extent> out = new ArrayList<>();
    try (ImageMap map = ImageMap.open(f, virtualSize, fileSize)) {
      for (ImageMap.Extent e = map.next(); e != null; e = map.next()) {
        out.add(e);
      }
    }
    return out;
  }

  private static String extent(long start, long length, boolean data, boolean zero, Long offset) {
    return "{ \"start\": "
        + start
        + ", \"length\": "
        + length
        + ", \"depth\": 0, \"present\": true, \"zero\": "
        + zero
        + ", \"data\": "
        + data
        + (offset == null ? "" : ", \"offset\": " + offset)
        + "}";
  }

  @Test
  void storedDecodedAndZeroExtents() throws IOException {
    List<ImageMap.Extent> m =
        read(
            "["
                + extent(0, 4096, true, false, 512L)
                + ",\n"
                + extent(4096, 4096, true, false, null)
                + ",\n"
                + extent(8192, 8192, false, true, 9000L)
                + "]",
            16384,
            8192);
    assertThat(m)
        .containsExactly(
            new ImageMap.Extent(0, 4096, false, 512),
            new ImageMap.Extent(4096, 4096, false, -1),
            new ImageMap.Extent(8192, 8192, true, -1));
    assertThat(m.get(0).direct()).isTrue();
    assertThat(m.get(1).direct()).isFalse();
  }

  @Test
  void refusesWhatCouldReadTheWrongBytes() {
    assertThatThrownBy(() -> read("[" + extent(0, 4096, true, false, 8000L) + "]", 4096, 8192))
        .hasMessageContaining("past the end of the file");
    assertThatThrownBy(
            () ->
                read(
                    "["
                        + extent(0, 4096, true, false, null)
                        + ","
                        + extent(8192, 4096, true, false, null)
                        + "]",
                    12288,
                    0))
        .hasMessageContaining("does not follow 4096");
    assertThatThrownBy(() -> read("[" + extent(0, 4096, true, false, null) + "]", 8192, 0))
        .hasMessageContaining("covers 4096 of 8192");
    assertThatThrownBy(() -> read("[" + extent(0, 8192, true, false, null) + "]", 4096, 0))
        .hasMessageContaining("within 4096");
    assertThatThrownBy(
            () -> read("[{\"start\": 0, \"length\": 4096, \"depth\": 1, \"data\": true}]", 4096, 0))
        .hasMessageContaining("backing file");
    assertThatThrownBy(
            () ->
                read(
                    "[{\"start\": 0, \"length\": 4096, \"data\": true, \"offset\": -4}]",
                    4096,
                    8192))
        .hasMessageContaining("negative");
    assertThatThrownBy(() -> read("[{\"start\": 0, \"length\": \"4096\"}]", 4096, 0))
        .hasMessageContaining("not an integer");
    assertThatThrownBy(() -> read("{}", 4096, 0)).hasMessageContaining("no JSON array");
    assertThatThrownBy(() -> read("[" + extent(0, 0, true, false, null) + "]", 0, 0))
        .isInstanceOf(IOException.class);
  }
}
