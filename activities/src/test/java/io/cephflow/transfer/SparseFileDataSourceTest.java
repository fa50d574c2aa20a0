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
  @TempDir
  Path dir;

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
      assertThatThrownBy(() -> {
        while (src.next(buf.clear()) >= 0) {
          // read on
        }
      }).hasMessageContaining("changed while being read");
    }
  }
}
