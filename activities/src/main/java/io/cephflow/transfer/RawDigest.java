package io.cephflow.transfer;

import io.cephflow.ceph.DataSource;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Digests (SHA-256 and others, e.g. {@link ChunkedSha256}) of the whole raw view a source
 * describes, as the RBD writer reads it: the regions it yields, and zeros for every gap between
 * them and after the last one up to {@link #size()}. The result equals {@code sha256sum} of the raw
 * image (of a sparse file, or {@code rbd export} cut to a decoded image's virtual size) without a
 * second pass and without reading holes. Hashing runs on threads of its own ({@link DigestPipe}),
 * so it overlaps the reads and the writes; for a plain SHA-256 the holes still cost the hash of
 * their zeros (it has no shortcut for them), which bounds a sparse image's import by the digest's
 * pace; a {@link ChunkedSha256} passes them as a length. Regions must come in ascending order
 * without overlap (every source here does).
 */
public final class RawDigest implements DataSource {
  private final DataSource source;
  private final DigestPipe pipe;
  private final String[] algorithms;
  private long hashedTo;
  private String[] hexes;

  public RawDigest(DataSource source) {
    this(source, "SHA-256", null);
  }

  /**
   * SHA-256 and {@code extraAlgorithm}, a second digest over the same bytes (e.g. a caller's
   * SHA-512), or null.
   */
  public RawDigest(DataSource source, String extraAlgorithm) {
    this(source, "SHA-256", extraAlgorithm);
  }

  /**
   * @param algorithms JCA names or {@link ChunkedSha256#ALGORITHM}; null entries are skipped
   */
  public RawDigest(DataSource source, String... algorithms) {
    if (source.size() < 0) throw new IllegalArgumentException("the raw view's size must be known");
    this.algorithms = algorithms.clone();
    this.pipe = new DigestPipe(algorithms);
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
      if (hexes == null) {
        zerosTo(size());
        hexes = pipe.finish();
      }
      return offset;
    }
    int len = dst.position() - start;
    if (offset < hashedTo || offset + len > size()) {
      throw new IOException(
          "the decoder yielded ["
              + offset
              + ", +"
              + len
              + ") after "
              + hashedTo
              + " of "
              + size()
              + " bytes: out of order or past the end");
    }
    zerosTo(offset);
    byte[] copy = pipe.buffer(len); // dst goes to the writer, and may be reused before it is hashed
    dst.duplicate().position(start).limit(start + len).get(copy, 0, len);
    pipe.hash(copy, len);
    hashedTo = offset + len;
    return offset;
  }

  private void zerosTo(long offset) {
    pipe.zeros(offset - hashedTo);
    hashedTo = Math.max(hashedTo, offset);
  }

  /** The hex of the first digest (SHA-256 for the two short constructors), once read to the end. */
  public String hexDigest() {
    return hexes()[0];
  }

  /** The hex of the second digest (null when none was asked for), once read to the end. */
  public String extraHexDigest() {
    return hexes().length > 1 ? hexes()[1] : null;
  }

  /** The hex of {@code algorithm}, once read to the end; null when it was not computed. */
  public String hex(String algorithm) {
    String[] h = hexes();
    for (int i = 0; i < algorithms.length; i++) if (algorithm.equals(algorithms[i])) return h[i];
    return null;
  }

  private String[] hexes() {
    if (hexes == null) throw new IllegalStateException("the source has not been read to its end");
    return hexes;
  }

  @Override
  public void close() throws IOException {
    pipe.close();
    source.close();
  }
}
