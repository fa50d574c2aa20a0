package io.cephflow.transfer;

import io.cephflow.ceph.DataSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/**
 * A sequential stream (an HTTP body, a pipe) as a {@link DataSource}, hashing every byte that
 * passes on threads of its own ({@link DigestPipe}), overlapped with the reads and writes. Memory
 * stays bounded: at most {@value DigestPipe#BUFFERS} heap arrays of the caller's chunk size.
 */
public final class StreamDataSource implements DataSource {
  private final InputStream in;
  private final long size;
  private final DigestPipe pipe;
  private final String[] algorithms;
  private final boolean digest;
  private String[] hex;
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
   * @param extraAlgorithm a second digest (e.g. the caller's SHA-512), or null
   */
  public StreamDataSource(
      InputStream in, long size, String digestAlgorithm, String extraAlgorithm, long maxBytes) {
    this(in, size, maxBytes, digestAlgorithm, extraAlgorithm);
  }

  /**
   * @param algorithms JCA names or {@link ChunkedSha256#ALGORITHM}; null entries are skipped
   */
  public StreamDataSource(InputStream in, long size, long maxBytes, String... algorithms) {
    this.in = in;
    this.size = size;
    this.maxBytes = maxBytes;
    this.algorithms = algorithms.clone();
    this.digest = algorithms.length > 0 && algorithms[0] != null;
    boolean any = java.util.Arrays.stream(algorithms).anyMatch(java.util.Objects::nonNull);
    this.pipe = any ? new DigestPipe(algorithms) : null;
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public long next(ByteBuffer dst) throws IOException {
    if (eof) return -1;
    int want = dst.remaining();
    if (pipe != null) staging = pipe.buffer(want);
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
      throw new SourceTooLargeException(
          "the source is larger than the limit of " + maxBytes + " bytes");
    }
    dst.put(staging, 0, filled);
    if (pipe != null) pipe.hash(staging, filled); // the pipe's now: the next call takes another
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
    return digests()[0];
  }

  /** Hex of the extra digest (null when none was asked for); call after the end. */
  public String extraHexDigest() {
    return pipe == null || algorithms.length < 2 ? null : digests()[1];
  }

  /** Hex of {@code algorithm} (null when it was not computed); call after the end. */
  public String hex(String algorithm) {
    if (pipe == null) return null;
    for (int i = 0; i < algorithms.length; i++)
      if (algorithm.equals(algorithms[i])) return digests()[i];
    return null;
  }

  private String[] digests() {
    if (hex == null) hex = pipe.finish();
    return hex;
  }

  @Override
  public void close() throws IOException {
    if (pipe != null) pipe.close();
    in.close();
  }
}
