package io.cephflow.intake.qemu;

import io.cephflow.ceph.DataSource;
import io.cephflow.intake.format.DiskFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The decoded raw view of an image, driven by {@code qemu-img map}: extents whose bytes lie in the
 * file as they read (qemu gives their offset) are read from the file straight into the writer's
 * buffer, with no decoder process and no copy in between; the others (compressed clusters, formats
 * such as VHDX that report no offsets) are read through qemu-nbd, started only when the first of
 * them comes. Ranges that read as zero are skipped (the target is fresh). Closing deletes the map
 * file and stops qemu-nbd.
 */
final class MappedRawSource implements DataSource {

  private final Path image;
  private final DiskFormat format;
  private final QemuLimits limits;
  private final long virtualSize;
  private final Path mapFile;
  private final ImageMap map;
  private final FileChannel file;
  private ImageMap.Extent extent;
  private long pos;
  private long end;
  private long directBytes;
  private long decodedBytes;
  private QemuNbdServer nbdServer;
  private NbdClient nbd;

  private MappedRawSource(
      Path image,
      DiskFormat format,
      QemuLimits limits,
      long virtualSize,
      Path mapFile,
      ImageMap map,
      FileChannel file) {
    this.image = image;
    this.format = format;
    this.limits = limits;
    this.virtualSize = virtualSize;
    this.mapFile = mapFile;
    this.map = map;
    this.file = file;
  }

  /** Takes ownership of {@code mapFile} (deleted on close, also when opening fails). */
  static MappedRawSource open(
      Path image, DiskFormat format, QemuLimits limits, long virtualSize, Path mapFile)
      throws IOException {
    FileChannel file = null;
    try {
      file = FileChannel.open(image, StandardOpenOption.READ);
      ImageMap map = ImageMap.open(mapFile, virtualSize, file.size());
      return new MappedRawSource(image, format, limits, virtualSize, mapFile, map, file);
    } catch (IOException | RuntimeException e) {
      if (file != null) {
        file.close();
      }
      Files.deleteIfExists(mapFile);
      throw e;
    }
  }

  @Override
  public long size() {
    return virtualSize;
  }

  @Override
  public long next(ByteBuffer dst) throws IOException {
    while (extent == null || pos >= end) {
      extent = map.next();
      if (extent == null) {
        return -1;
      }
      pos = extent.start();
      end = extent.readsAsZero() ? pos : pos + extent.length();
    }
    // stop at the buffer's alignment so that writes line up with the image's objects
    int room = (int) Math.min(dst.remaining(), dst.capacity() - pos % dst.capacity());
    int n = (int) Math.min(room, end - pos);
    ByteBuffer slice = dst.duplicate().limit(dst.position() + n);
    if (extent.direct()) {
      long at = extent.hostOffset() + (pos - extent.start());
      while (slice.hasRemaining()) {
        if (file.read(slice, at + (slice.position() - dst.position())) < 0) {
          throw new IOException(image + " ended before its extent at " + pos);
        }
      }
      directBytes += n;
    } else {
      NbdClient decoder = decoder();
      try {
        decoder.read(pos, slice);
        decodedBytes += n;
      } catch (IOException e) {
        throw nbdServer.explain(e);
      }
    }
    long offset = pos;
    dst.position(dst.position() + n);
    pos += n;
    return offset;
  }

  /** Bytes read from the file as they are stored. */
  long directBytes() {
    return directBytes;
  }

  /** Bytes qemu-nbd decoded. */
  long decodedBytes() {
    return decodedBytes;
  }

  private NbdClient decoder() throws IOException {
    if (nbd == null) {
      nbdServer = QemuNbdServer.start(image, format, limits);
      nbd = nbdServer.client();
      if (nbd.size() != virtualSize) {
        throw new IOException(
            "qemu-nbd exports " + nbd.size() + " bytes, qemu-img map " + virtualSize);
      }
    }
    return nbd;
  }

  @Override
  public void close() throws IOException {
    try (file;
        map) {
      if (nbd != null) {
        nbd.close();
      }
    } finally {
      if (nbdServer != null) {
        nbdServer.close();
      }
      Files.deleteIfExists(mapFile);
    }
  }
}
