package io.cephflow.intake.qemu;

import io.cephflow.intake.Corpus;
import io.cephflow.intake.format.DiskFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Not a unit test: it writes a GiB and takes tens of seconds, so it runs only when asked: mvn -pl
 * activities test -Dtest=IntakeThroughputBench -Dbench.mib=1024 [-Dbench.chunk.mib=4]
 */
class IntakeThroughputBench {

  @TempDir Path dir;

  @Test
  void streamVersusConvert() throws Exception {
    Assumptions.assumeTrue(System.getProperty("bench.mib") != null, "set -Dbench.mib to run");
    int mib = Integer.getInteger("bench.mib");
    Path raw = dir.resolve("dense.raw");
    Corpus.run(List.of("sh", "-c", "head -c " + mib + "M /dev/urandom > " + raw));
    Path qcow2 = new Corpus(dir).convert(raw, "qcow2", "dense.qcow2");
    Files.delete(raw);
    ProcessQemuImg qemu =
        new ProcessQemuImg(
            QemuLimits.forInfo(),
            QemuLimits.forConvert(),
            Integer.getInteger("bench.chunk.mib", 4) << 20);

    for (int round = 0; round < 2; round++) {
      long t0 = System.nanoTime();
      long bytes = 0;
      try (RawExtentSource src = qemu.openRaw(qcow2, DiskFormat.QCOW2)) {
        for (RawExtent e = src.next(); e != null; e = src.next()) {
          bytes += e.length();
        }
      }
      long t1 = System.nanoTime();
      Path out = dir.resolve("out.raw");
      qemu.convertToRaw(qcow2, DiskFormat.QCOW2, out, ProgressListener.NONE);
      long t2 = System.nanoTime();
      Files.delete(out);
      System.out.printf(
          "round %d: %d MiB qcow2: extent source %.2f s (%d MiB yielded), convert to file %.2f s%n",
          round, mib, (t1 - t0) / 1e9, bytes >> 20, (t2 - t1) / 1e9);
    }
  }

  @Test
  void sparseImage() throws Exception {
    Assumptions.assumeTrue(System.getProperty("bench.mib") != null, "set -Dbench.mib to run");
    Path qcow2 = new Corpus(dir).create("qcow2", "sparse.qcow2", "16G");
    Corpus.run(
        List.of(
            "qemu-io",
            "-f",
            "qcow2",
            "-c",
            "write -P 0x5a 1G 32M",
            "-c",
            "write -P 0xa5 9G 32M",
            qcow2.toString()));
    ProcessQemuImg qemu = new ProcessQemuImg();
    long t0 = System.nanoTime();
    long bytes = 0;
    try (RawExtentSource src = qemu.openRaw(qcow2, DiskFormat.QCOW2)) {
      for (RawExtent e = src.next(); e != null; e = src.next()) {
        bytes += e.length();
      }
    }
    long t1 = System.nanoTime();
    Path out = dir.resolve("out.raw");
    qemu.convertToRaw(qcow2, DiskFormat.QCOW2, out, ProgressListener.NONE);
    long t2 = System.nanoTime();
    System.out.printf(
        "16 GiB qcow2 with 64 MiB data: extent source %.2f s (%d MiB yielded), convert to file %.2f s%n",
        (t1 - t0) / 1e9, bytes >> 20, (t2 - t1) / 1e9);
  }
}
