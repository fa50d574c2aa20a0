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
 * A local raw file as a {@link DataSource} that skips holes without reading them (lseek
 * SEEK_DATA/SEEK_HOLE, as qemu-img does); data is read straight into the caller's native buffer.
 * For a digest of every byte, wrap it in {@link RawDigest} (holes hash as the zeros they read as).
 * A file that shrinks while it is read fails with an IOException.
 *
 * <p>A region stops at the next multiple of the buffer's capacity (as {@code MappedRawSource}
 * does), so that a data extent starting anywhere (file systems report data in 4 KiB blocks) does
 * not shift every later write across the image's object boundaries: one misaligned 2 MiB write is
 * two RADOS writes, on two objects.
 */
public final class SparseFileDataSource implements DataSource {
  private static final int SEEK_DATA = 3, SEEK_HOLE = 4, ENXIO = 6;
  private final Path file;
  private final FileChannel channel;
  private final int fd;
  private boolean closed;
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
    this.file = file;
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
    int room = (int) Math.min(dst.remaining(), dst.capacity() - pos % dst.capacity());
    int want = (int) Math.min(room, dataEnd - pos);
    ByteBuffer slice = dst.duplicate().limit(dst.position() + want);
    long offset = pos;
    while (slice.hasRemaining()) {
      if (channel.read(slice, pos + (slice.position() - dst.position())) < 0) throw changed();
    }
    dst.position(dst.position() + want);
    pos += want;
    return offset;
  }

  /** The file is shorter than when it was opened: someone changed it while it was read. */
  private IOException changed() throws IOException {
    return new IOException(
        file
            + " is "
            + channel.size()
            + " bytes now, "
            + size
            + " when opened: it changed while being read");
  }

  private boolean seekData() throws IOException {
    if (pos >= size) return false;
    long data = LibC.INSTANCE.lseek(fd, pos, SEEK_DATA);
    if (data < 0) {
      if (Native.getLastError() == ENXIO) { // only a hole remains, or the file shrank
        if (channel.size() < size) throw changed();
        return false;
      }
      data = pos; // the file system cannot tell: treat the rest as data
      dataEnd = size;
    } else {
      long hole = LibC.INSTANCE.lseek(fd, data, SEEK_HOLE);
      dataEnd = hole < 0 ? size : hole;
    }
    pos = data;
    return pos < size;
  }

  /**
   * Idempotent: a second close(2) of the same number would close whatever descriptor the process
   * opened since under it (a librados socket, say).
   */
  @Override
  public synchronized void close() throws IOException {
    if (closed) return;
    closed = true;
    LibC.INSTANCE.close(fd);
    channel.close();
  }
}
