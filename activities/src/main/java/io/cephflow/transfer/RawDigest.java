package io.cephflow.transfer;

import io.cephflow.ceph.DataSource;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * SHA-256 (and optionally a second digest) of the whole raw view a source describes, as the RBD
 * writer reads it: the regions it yields, and zeros for every gap between them and after the
 * last one up to {@link #size()}. The result equals {@code sha256sum} of the raw image (of a
 * sparse file, or {@code rbd export} cut to a decoded image's virtual size) without a second
 * pass and without reading holes. Hashing runs on threads of its own ({@link Digests}), so it
 * overlaps the reads and the writes; the holes still cost the hash of their zeros (SHA-256 has no
 * shortcut for them), which bounds a sparse image's import by the digest's pace. Regions must
 * come in ascending order without overlap (every source here does).
 */
public final class RawDigest implements DataSource {
  private final DataSource source;
  private final Digests digests;
  private long hashedTo;

  public RawDigest(DataSource source) {
    this(source, null);
  }

  /** @param extraAlgorithm a second digest over the same bytes (e.g. a caller's SHA-512), or null */
  public RawDigest(DataSource source, String extraAlgorithm) {
    if (source.size() < 0) throw new IllegalArgumentException("the raw view's size must be known");
    this.digests = Digests.sha256(extraAlgorithm);
    this.source = source;
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
      if (!digests.finished()) {
        zerosTo(size());
        digests.finish();
      }
      return offset;
    }
    int len = dst.position() - start;
    if (offset < hashedTo || offset + len > size()) {
      throw new IOException("the decoder yielded [" + offset + ", +" + len + ") after " + hashedTo
          + " of " + size() + " bytes: out of order or past the end");
    }
    zerosTo(offset);
    byte[] copy = digests.buffer(len); // dst goes to the writer, and may be reused before it is hashed
    dst.duplicate().position(start).limit(start + len).get(copy, 0, len);
    digests.hash(copy, len);
    hashedTo = offset + len;
    return offset;
  }

  private void zerosTo(long offset) {
    digests.zeros(offset - hashedTo);
    hashedTo = Math.max(hashedTo, offset);
  }

  /** The hex SHA-256, once the source has been read to its end. */
  public String hexDigest() {
    if (!digests.finished()) throw new IllegalStateException("the source has not been read to its end");
    return digests.finish().sha256();
  }

  /** The hex of the extra digest (null when none was asked for), once read to the end. */
  public String extraHexDigest() {
    hexDigest();
    return digests.finish().extra();
  }

  @Override
  public void close() throws IOException {
    digests.close();
    source.close();
  }
}
