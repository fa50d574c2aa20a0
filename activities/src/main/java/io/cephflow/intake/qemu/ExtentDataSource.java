package io.cephflow.intake.qemu;

import io.cephflow.ceph.DataSource;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The decoded raw view of an image as a {@link DataSource} for the RBD writer. Extents larger than
 * the writer's buffer are handed out in pieces; what the source skips reads back as zeros from the
 * freshly created target, so it is never written.
 */
public final class ExtentDataSource implements DataSource {
  private final RawExtentSource extents;
  private RawExtent current;

  /** The image offset of position 0 of the current extent's buffer. */
  private long base;

  public ExtentDataSource(RawExtentSource extents) {
    this.extents = extents;
  }

  @Override
  public long size() {
    return extents.virtualSize();
  }

  @Override
  public long next(ByteBuffer dst) throws IOException {
    while (current == null || !current.data().hasRemaining()) {
      current = extents.next();
      if (current == null) return -1;
      base = current.offset() - current.data().position();
    }
    ByteBuffer data = current.data();
    long offset = base + data.position();
    int n = Math.min(dst.remaining(), data.remaining());
    dst.put(data.duplicate().limit(data.position() + n));
    data.position(data.position() + n);
    return offset;
  }

  @Override
  public void close() throws IOException {
    extents.close();
  }
}
