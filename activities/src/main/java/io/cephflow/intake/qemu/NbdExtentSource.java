package io.cephflow.intake.qemu;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Walks the export with NBD block status, skipping ranges qemu reports as zero, reads the rest in
 * chunks and drops all-zero blocks inside them (qemu reports written zeros as data). Chunks are
 * read into one reused direct buffer (no heap copy, no garbage per chunk): the extents yielded are
 * views of it, valid until the next call of {@link #next()}.
 */
final class NbdExtentSource implements RawExtentSource {

  static final int DEFAULT_CHUNK = 4 << 20;
  private static final int ZERO_BLOCK = 64 << 10;
  private static final int STATUS_SPAN = 1 << 30;
  private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(ZERO_BLOCK).asReadOnlyBuffer();

  private final QemuNbdServer server;
  private final NbdClient client;
  private final int chunk;
  private final ByteBuffer buffer;
  private final Deque<NbdClient.Extent> status = new ArrayDeque<>();
  private final Deque<RawExtent> ready = new ArrayDeque<>();

  /** Where this walk stops: the end of the export. */
  private final long end;

  private long cursor;
  private long dataPos;
  private long dataEnd;

  private NbdExtentSource(
      QemuNbdServer server, NbdClient client, ByteBuffer buffer, long start, long end) {
    this.server = server;
    this.client = client;
    this.chunk = buffer.capacity();
    this.buffer = buffer;
    this.cursor = start;
    this.end = end;
  }

  static NbdExtentSource open(QemuNbdServer server, int chunk) throws IOException {
    try {
      NbdClient client = server.client();
      return new NbdExtentSource(
          server, client, ByteBuffer.allocateDirect(chunk), 0, client.size());
    } catch (IOException | RuntimeException e) {
      server.close();
      throw e;
    }
  }

  @Override
  public long virtualSize() {
    return client.size();
  }

  @Override
  public RawExtent next() throws IOException {
    try {
      while (ready.isEmpty()) {
        if (dataPos < dataEnd) {
          readChunk();
        } else if (!status.isEmpty()) {
          NbdClient.Extent e = status.poll();
          long len = Math.min(e.length(), end - cursor);
          if (!e.readsAsZero()) {
            dataPos = cursor;
            dataEnd = cursor + len;
          }
          cursor += len;
        } else if (cursor < end) {
          int span = (int) Math.min(STATUS_SPAN, end - cursor);
          status.addAll(client.blockStatus(cursor, span));
          if (status.isEmpty() || status.peek().length() == 0) {
            throw new IOException("NBD block status made no progress at " + cursor);
          }
        } else {
          return null;
        }
      }
      return ready.poll();
    } catch (IOException e) {
      throw server.explain(e);
    }
  }

  private void readChunk() throws IOException {
    int len = (int) Math.min(chunk - (dataPos % chunk), dataEnd - dataPos);
    ByteBuffer buf = buffer.clear().limit(len);
    client.read(dataPos, buf);
    int runStart = -1;
    for (int at = 0; at < len; at += ZERO_BLOCK) {
      int n = Math.min(ZERO_BLOCK, len - at);
      boolean zero = buf.slice(at, n).mismatch(ZEROS.slice(0, n)) == -1;
      if (!zero && runStart < 0) {
        runStart = at;
      } else if (zero && runStart >= 0) {
        ready.add(new RawExtent(dataPos + runStart, buf.slice(runStart, at - runStart)));
        runStart = -1;
      }
    }
    if (runStart >= 0) {
      ready.add(new RawExtent(dataPos + runStart, buf.slice(runStart, len - runStart)));
    }
    dataPos += len;
  }

  @Override
  public void close() throws IOException {
    try {
      client.close();
    } finally {
      server.close();
    }
  }
}
