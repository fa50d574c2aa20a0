package io.cephflow.transfer;

import com.sun.jna.Library;
import com.sun.jna.Native;
import io.cephflow.ceph.DataSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A local raw file as a {@link DataSource} that skips holes without reading them
 * (lseek SEEK_DATA/SEEK_HOLE, as qemu-img does); data is read straight into the caller's
 * native buffer. Use only for sources that need no digest of every byte.
 */
public final class SparseFileDataSource implements DataSource {
  private static final int SEEK_DATA = 3, SEEK_HOLE = 4, ENXIO = 6;
  private final FileChannel channel;
  private final int fd;
  private final long size;
  private long pos;
  private long dataEnd;

  interface LibC extends Library {
    LibC INSTANCE = Native.load("c", LibC.class);

    int open(String path, int flags);

    long lseek(int fd, long offset, int whence);

    int close(int fd);
  }

  public SparseFileDataSource(Path file) throws IOException {
    this.channel = FileChannel.open(file, StandardOpenOption.READ);
    this.size = channel.size();
    // a second descriptor only for hole queries: FileChannel does not expose SEEK_DATA
    this.fd = LibC.INSTANCE.open(file.toString(), 0);
    if (fd < 0) {
      channel.close();
      throw new IOException("open " + file + ": errno " + Native.getLastError());
    }
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public long next(ByteBuffer dst) throws IOException {
    if (pos >= dataEnd) {
      if (!seekData()) return -1;
    }
    int want = (int) Math.min(dst.remaining(), dataEnd - pos);
    ByteBuffer slice = dst.duplicate().limit(dst.position() + want);
    long offset = pos;
    while (slice.hasRemaining()) {
      int n = channel.read(slice, pos + (slice.position() - dst.position()));
      if (n < 0) break;
    }
    int got = slice.position() - dst.position();
    dst.position(dst.position() + got);
    pos += got;
    if (got == 0) return -1;
    return offset;
  }

  private boolean seekData() {
    if (pos >= size) return false;
    long data = LibC.INSTANCE.lseek(fd, pos, SEEK_DATA);
    if (data < 0) {
      if (Native.getLastError() == ENXIO) return false; // only a hole remains
      data = pos; // the file system cannot tell: treat the rest as data
      dataEnd = size;
    } else {
      long hole = LibC.INSTANCE.lseek(fd, data, SEEK_HOLE);
      dataEnd = hole < 0 ? size : hole;
    }
    pos = data;
    return pos < size;
  }

  @Override
  public void close() throws IOException {
    LibC.INSTANCE.close(fd);
    channel.close();
  }
}
