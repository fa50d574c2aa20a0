package io.cephflow.transfer;

import io.cephflow.ceph.DataSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A sequential stream (an HTTP body, a pipe) as a {@link DataSource}, hashing every byte
 * that passes. Memory stays bounded: one heap staging array of the caller's chunk size.
 */
public final class StreamDataSource implements DataSource {
  private final InputStream in;
  private final long size;
  private final MessageDigest digest;
  private final MessageDigest extra;
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

  /** @param extraAlgorithm a second digest (e.g. the caller's SHA-512), or null */
  public StreamDataSource(InputStream in, long size, String digestAlgorithm, String extraAlgorithm, long maxBytes) {
    this.in = in;
    this.size = size;
    this.maxBytes = maxBytes;
    try {
      this.digest = digestAlgorithm == null ? null : MessageDigest.getInstance(digestAlgorithm);
      this.extra = extraAlgorithm == null ? null : MessageDigest.getInstance(extraAlgorithm);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalArgumentException("unsupported digest " + digestAlgorithm, e);
    }
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public long next(ByteBuffer dst) throws IOException {
    if (eof) return -1;
    int want = dst.remaining();
    if (staging.length < want) staging = new byte[want];
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
    if (digest != null) digest.update(staging, 0, filled);
    if (extra != null) extra.update(staging, 0, filled);
    dst.put(staging, 0, filled);
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
    if (digest == null) throw new IllegalStateException("no digest requested");
    return HexFormat.of().formatHex(digest.digest());
  }

  /** Hex of the extra digest (null when none was asked for); call after the end. */
  public String extraHexDigest() {
    return extra == null ? null : HexFormat.of().formatHex(extra.digest());
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
