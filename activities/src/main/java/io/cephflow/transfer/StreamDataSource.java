package io.cephflow.transfer;

import io.cephflow.ceph.DataSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/**
 * A sequential stream (an HTTP body, a pipe) as a {@link DataSource}, hashing every byte
 * that passes on threads of its own ({@link Digests}), overlapped with the reads and writes.
 * Memory stays bounded: at most {@value DigestPipe#BUFFERS} heap arrays of the caller's chunk size.
 */
public final class StreamDataSource implements DataSource {
  private final InputStream in;
  private final long size;
  private final Digests digests;
  private final boolean digest;
  private final long maxBytes;
  private byte[] staging = new byte[0];
  private long position;
  private boolean eof;

  /**
   * @param size the expected size or -1
   * @param maxBytes refuse streams longer than this (a size cap against endless bodies)
   */
  public StreamDataSource(InputStream in, long size, String digestAlgorithm, long maxBytes) {
    this(in, size, digestAlgorithm, null, maxBytes);
  }

  /**
   * @param digestAlgorithm {@code "SHA-256"}, or null for none
   * @param extraAlgorithm a second digest (e.g. the caller's SHA-512), or null
   */
  public StreamDataSource(InputStream in, long size, String digestAlgorithm, String extraAlgorithm, long maxBytes) {
    this.in = in;
    this.size = size;
    this.maxBytes = maxBytes;
    this.digest = digestAlgorithm != null;
    if (digest && !digestAlgorithm.equals("SHA-256")) {
      throw new IllegalArgumentException("the stream's digest is SHA-256, not " + digestAlgorithm);
    }
    this.digests = digest ? Digests.sha256(extraAlgorithm)
        : extraAlgorithm == null ? null : Digests.extraOnly(extraAlgorithm);
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public long next(ByteBuffer dst) throws IOException {
    if (eof) return -1;
    int want = dst.remaining();
    if (digests != null) staging = digests.buffer(want);
    else if (staging.length < want) staging = new byte[want];
    int filled = 0;
    while (filled < want) {
      int n = in.read(staging, filled, want - filled);
      if (n < 0) {
        eof = true;
        break;
      }
      filled += n;
    }
    if (filled == 0) return -1;
    if (position + filled > maxBytes) {
      throw new SourceTooLargeException("the source is larger than the limit of " + maxBytes + " bytes");
    }
    dst.put(staging, 0, filled);
    if (digests != null) digests.hash(staging, filled); // the digests' now: the next call takes another
    long offset = position;
    position += filled;
    return offset;
  }

  /** Bytes read so far. */
  public long position() {
    return position;
  }

  /** Hex digest of everything read; call after the end. */
  public String hexDigest() {
    if (!digest) throw new IllegalStateException("no digest requested");
    return digests.finish().sha256();
  }

  /** Hex of the extra digest (null when none was asked for); call after the end. */
  public String extraHexDigest() {
    return digests == null ? null : digests.finish().extra();
  }

  @Override
  public void close() throws IOException {
    if (digests != null) digests.close();
    in.close();
  }
}
