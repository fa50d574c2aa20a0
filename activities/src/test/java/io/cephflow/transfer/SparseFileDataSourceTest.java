package io.cephflow.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SparseFileDataSourceTest {
  @TempDir Path dir;

  @Test
  void yieldsOnlyTheDataRegions() throws Exception {
    Path f = dir.resolve("sparse.raw");
    try (RandomAccessFile r = new RandomAccessFile(f.toFile(), "rw")) {
      r.setLength(64 << 20);
      r.seek(8 << 20);
      r.write(new byte[] {1, 2, 3});
      r.seek(40 << 20);
      r.write(new byte[] {4});
    }
    List<Long> offsets = new ArrayList<>();
    long bytes = 0;
    try (SparseFileDataSource src = new SparseFileDataSource(f)) {
      assertThat(src.size()).isEqualTo(64 << 20);
      ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
      for (long off = src.next(buf.clear()); off >= 0; off = src.next(buf.clear())) {
        offsets.add(off);
        bytes += buf.position();
      }
    }
    // file systems report data in blocks: the two written blocks, not the 64 MiB
    assertThat(bytes).isLessThanOrEqualTo(2L << 20);
    assertThat(offsets.get(0)).isLessThanOrEqualTo(8L << 20);
  }

  @Test
  void regionsStopAtMultiplesOfTheBufferSizeSoWritesLineUpWithObjects() throws Exception {
    Path f = dir.resolve("unaligned.raw");
    byte[] data = new byte[3 << 20];
    java.util.Arrays.fill(data, (byte) 7);
    try (RandomAccessFile r = new RandomAccessFile(f.toFile(), "rw")) {
      r.setLength(16 << 20);
      r.seek((4 << 20) + 8192); // data from 4 MiB + 8 KiB to 7 MiB + 8 KiB
      r.write(data);
    }
    List<long[]> regions = new ArrayList<>();
    try (SparseFileDataSource src = new SparseFileDataSource(f)) {
      ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
      for (long off = src.next(buf.clear()); off >= 0; off = src.next(buf.clear())) {
        regions.add(new long[] {off, buf.position()});
      }
    }
    long total = 0;
    for (long[] r : regions) {
      assertThat(r[0] / (1 << 20))
          .as("region at %d + %d", r[0], r[1])
          .isEqualTo((r[0] + r[1] - 1) / (1 << 20));
      total += r[1];
    }
    assertThat(total).isGreaterThanOrEqualTo(3 << 20);
    assertThat(regions)
        .hasSizeGreaterThanOrEqualTo(4); // 1 MiB - 8 KiB, 1 MiB, 1 MiB, 8 KiB at least
  }

  @Test
  void aFileThatShrinksWhileItIsReadFails() throws Exception {
    Path f = dir.resolve("shrinks.raw");
    try (RandomAccessFile r = new RandomAccessFile(f.toFile(), "rw")) {
      r.write(new byte[4 << 20]);
      r.seek(0);
      r.write(1);
    }
    try (SparseFileDataSource src = new SparseFileDataSource(f)) {
      ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
      assertThat(src.next(buf)).isZero();
      try (RandomAccessFile r = new RandomAccessFile(f.toFile(), "rw")) {
        r.setLength(2 << 20);
      }
      assertThatThrownBy(
              () -> {
                while (src.next(buf.clear()) >= 0) {
                  // read on
                }
              })
          .hasMessageContaining("changed while being read");
    }
  }
}
