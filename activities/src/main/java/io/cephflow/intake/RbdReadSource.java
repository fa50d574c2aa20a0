package io.cephflow.intake;

import io.cephflow.ceph.DataSource;
import io.cephflow.ceph.RbdStreams;
import io.cephflow.workflows.common.RbdRef;
import java.nio.ByteBuffer;

/**
 * An RBD image read in order as a {@link DataSource} (raw to raw copies). The writer drops all-zero
 * chunks, so the copy stays thin. Callers normally clone raw images instead.
 */
final class RbdReadSource implements DataSource {
  private final RbdStreams streams;
  private final RbdRef image;
  private final long size;
  private long position;

  RbdReadSource(RbdStreams streams, RbdRef image, long size) {
    this.streams = streams;
    this.image = image;
    this.size = size;
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public long next(ByteBuffer dst) {
    if (position >= size) return -1;
    int len = (int) Math.min(dst.remaining(), size - position);
    byte[] data = streams.readAt(image, position, len);
    if (data.length == 0) return -1;
    dst.put(data);
    long offset = position;
    position += data.length;
    return offset;
  }

  @Override
  public void close() {}
}
