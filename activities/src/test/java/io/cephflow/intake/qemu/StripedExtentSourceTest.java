package io.cephflow.intake.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import io.cephflow.intake.Corpus;
import io.cephflow.intake.format.DiskFormat;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StripedExtentSourceTest {
  @TempDir Path dir;

  @Test
  void severalConnectionsYieldTheSameExtentsInTheSameOrderAsOne() throws Exception {
    Corpus corpus = new Corpus(dir);
    Path qcow2 = corpus.create("qcow2", "s.qcow2", "300M");
    Corpus.run(List.of("qemu-io", "-f", "qcow2", "-c", "write -P 0x5a 1M 3M", "-c", "write -P 0xa5 63M 2M",
        "-c", "write -P 0x11 200M 1M", qcow2.toString()));
    List<String> one = extents(new ProcessQemuImg(QemuLimits.forInfo(), QemuLimits.forConvert(), 1 << 20, 1), qcow2);
    List<String> three = extents(new ProcessQemuImg(QemuLimits.forInfo(), QemuLimits.forConvert(), 1 << 20, 3), qcow2);
    assertThat(three).isEqualTo(one).hasSize(6);
    assertThat(Corpus.leftovers()).isEmpty();
  }

  private static List<String> extents(ProcessQemuImg qemu, Path image) throws Exception {
    List<String> out = new ArrayList<>();
    try (RawExtentSource src = qemu.openRaw(image, DiskFormat.QCOW2)) {
      for (RawExtent e = src.next(); e != null; e = src.next()) {
        out.add(e.offset() + "+" + e.length() + ":" + e.data().get(e.data().position()));
      }
    }
    return out;
  }
}
