package io.cephflow.transfer;

/**
 * The SHA-256 of every byte passed, plus an optional second digest of the same bytes (the
 * caller's checksum algorithm, e.g. SHA-512), hashed on threads of their own ({@link
 * DigestPipe}). The one implementation behind {@link StagedDownload}, {@link RawDigest} and
 * {@link StreamDataSource}. Bytes pass as in {@link DigestPipe}: fill a lent {@link #buffer},
 * hand it over with {@link #hash}, and never touch it again.
 */
public final class Digests implements AutoCloseable {
  /** Hex digests; {@code sha256} is null when it was not asked for, {@code extra} when none was. */
  public record Hex(String sha256, String extra) {}

  private final DigestPipe pipe;
  private Hex hex;

  private Digests(boolean sha256, String extraAlgorithm) {
    this.pipe = new DigestPipe(sha256 ? "SHA-256" : null, extraAlgorithm);
  }

  /** SHA-256 and, unless {@code extraAlgorithm} is null, that digest too. */
  public static Digests sha256(String extraAlgorithm) {
    return new Digests(true, extraAlgorithm);
  }

  /** The extra digest only (a stream whose SHA-256 nobody asked for). */
  static Digests extraOnly(String extraAlgorithm) {
    return new Digests(false, extraAlgorithm);
  }

  /** An array of at least {@code size} bytes to fill and pass to {@link #hash}; may wait. */
  byte[] buffer(int size) {
    return pipe.buffer(size);
  }

  /** Hashes {@code buf[0, len)}; the caller must not touch {@code buf} afterwards. */
  void hash(byte[] buf, int len) {
    pipe.hash(buf, len);
  }

  /** Hashes {@code n} zero bytes (a hole). */
  void zeros(long n) {
    pipe.zeros(n);
  }

  /** Waits for everything passed so far; repeated calls answer the same. */
  Hex finish() {
    if (hex == null) {
      String[] h = pipe.finish();
      hex = new Hex(h[0], h[1]);
    }
    return hex;
  }

  /** Whether {@link #finish} has run. */
  boolean finished() {
    return hex != null;
  }

  /** Stops the hashing threads (closed before {@link #finish}, the digests are abandoned). */
  @Override
  public void close() {
    pipe.close();
  }
}
