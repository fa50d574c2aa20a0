package io.cephflow.transfer;

import io.cephflow.ceph.DataSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 (and optionally a second digest) of the whole raw view a source describes, as the RBD
 * writer reads it: the regions it yields, and zeros for every gap between them and after the
 * last one up to {@link #size()}. The result equals {@code sha256sum} of the raw image (of a
 * sparse file, or {@code rbd export} cut to a decoded image's virtual size) without a second
 * pass and without reading holes. Hashing runs in the writer's thread while its writes are in
 * flight. Regions must come in ascending order without overlap (every source here does).
 */
public final class RawDigest implements DataSource {
  private static final byte[] ZEROS = new byte[1 << 20];
  private final DataSource source;
  private final MessageDigest sha256;
  private final MessageDigest extra;
  private long hashedTo;
  private String hex;
  private String extraHex;

  public RawDigest(DataSource source) {
    this(source, null);
  }

  /** @param extraAlgorithm a second digest over the same bytes (e.g. a caller's SHA-512), or null */
  public RawDigest(DataSource source, String extraAlgorithm) {
    if (source.size() < 0) throw new IllegalArgumentException("the raw view's size must be known");
    this.source = source;
    try {
      this.sha256 = MessageDigest.getInstance("SHA-256");
      this.extra = extraAlgorithm == null ? null : MessageDigest.getInstance(extraAlgorithm);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalArgumentException("unsupported digest " + extraAlgorithm, e);
    }
  }

  @Override
  public long size() {
    return source.size();
  }

  @Override
  public long next(ByteBuffer dst) throws IOException {
    int start = dst.position();
    long offset = source.next(dst);
    if (offset < 0) {
      zerosTo(size());
      hex = HexFormat.of().formatHex(sha256.digest());
      extraHex = extra == null ? null : HexFormat.of().formatHex(extra.digest());
      return offset;
    }
    int len = dst.position() - start;
    if (offset < hashedTo || offset + len > size()) {
      throw new IOException("the decoder yielded [" + offset + ", +" + len + ") after " + hashedTo
          + " of " + size() + " bytes: out of order or past the end");
    }
    zerosTo(offset);
    ByteBuffer region = dst.duplicate().position(start).limit(start + len);
    if (extra != null) extra.update(region.duplicate());
    sha256.update(region);
    hashedTo = offset + len;
    return offset;
  }

  private void zerosTo(long offset) {
    while (hashedTo < offset) {
      int n = (int) Math.min(ZEROS.length, offset - hashedTo);
      sha256.update(ZEROS, 0, n);
      if (extra != null) extra.update(ZEROS, 0, n);
      hashedTo += n;
    }
  }

  /** The hex SHA-256, once the source has been read to its end. */
  public String hexDigest() {
    if (hex == null) throw new IllegalStateException("the source has not been read to its end");
    return hex;
  }

  /** The hex of the extra digest (null when none was asked for), once read to the end. */
  public String extraHexDigest() {
    hexDigest();
    return extraHex;
  }

  @Override
  public void close() throws IOException {
    source.close();
  }
}
