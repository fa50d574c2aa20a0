package io.cephflow.intake;

import io.cephflow.ceph.DataSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 of the whole raw view a source describes, as the RBD writer reads it: the regions it
 * yields, and zeros for every gap between them and after the last one up to {@link #size()}. The
 * result equals {@code sha256sum} of the raw image (e.g. {@code rbd export} cut to the virtual
 * size), without a second pass. Hashing runs in the writer's thread while its writes are in
 * flight. Regions must come in ascending order without overlap (every decoder here does).
 */
public final class RawDigest implements DataSource {
  private static final byte[] ZEROS = new byte[1 << 20];
  private final DataSource source;
  private final MessageDigest sha256;
  private long hashedTo;
  private String hex;

  public RawDigest(DataSource source) {
    if (source.size() < 0) throw new IllegalArgumentException("the raw view's size must be known");
    this.source = source;
    try {
      this.sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
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
      return offset;
    }
    int len = dst.position() - start;
    if (offset < hashedTo || offset + len > size()) {
      throw new IOException("the decoder yielded [" + offset + ", +" + len + ") after " + hashedTo
          + " of " + size() + " bytes: out of order or past the end");
    }
    zerosTo(offset);
    sha256.update(dst.duplicate().position(start).limit(start + len));
    hashedTo = offset + len;
    return offset;
  }

  private void zerosTo(long offset) {
    while (hashedTo < offset) {
      int n = (int) Math.min(ZEROS.length, offset - hashedTo);
      sha256.update(ZEROS, 0, n);
      hashedTo += n;
    }
  }

  /** The hex digest, once the source has been read to its end. */
  public String hexDigest() {
    if (hex == null) throw new IllegalStateException("the source has not been read to its end");
    return hex;
  }

  @Override
  public void close() throws IOException {
    source.close();
  }
}
