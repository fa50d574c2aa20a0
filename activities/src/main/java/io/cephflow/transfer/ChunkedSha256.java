package io.cephflow.transfer;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The provenance digest of an image: SHA-256 over the concatenated SHA-256 digests of each {@value
 * #CHUNK}-byte chunk of its bytes (the last chunk short). Unlike one chained SHA-256, an all-zero
 * chunk costs no hashing: its digest is a constant, so a hole or a run of zeros costs a zero check
 * (or nothing, when passed as a length to {@link #zeros}). Anyone can verify it with coreutils and
 * xxd:
 *
 * <pre>split -b 4194304 --filter='sha256sum | cut -c1-64 | xxd -r -p' FILE | sha256sum</pre>
 *
 * A chunk's bytes are hashed only from its first non-zero byte on, with the zeros before it hashed
 * then (at most one chunk's worth), so a digest is the same however the bytes arrive.
 */
public final class ChunkedSha256 extends MessageDigest {
  public static final String ALGORITHM = "CHUNKED-SHA-256";
  public static final int CHUNK = 4 << 20;

  /** SHA-256 of {@value #CHUNK} zero bytes ({@code head -c 4194304 /dev/zero | sha256sum}). */
  static final byte[] ZERO_CHUNK =
      HexFormat.of().parseHex("bb9f8df61474d25e71fa00722318cd387396ca1736605e1248821cc0de3d3af8");

  private static final byte[] ZEROS = new byte[1 << 16];

  private final MessageDigest outer = sha256();
  private final MessageDigest chunk = sha256();

  /** Bytes of the current chunk so far. */
  private int inChunk;

  /**
   * Whether the current chunk's bytes go into {@link #chunk} (else all of them so far were zeros).
   */
  private boolean hashing;

  public ChunkedSha256() {
    super(ALGORITHM);
  }

  /** Passes {@code n} zero bytes (a hole) without touching memory for whole zero chunks. */
  public void zeros(long n) {
    while (n > 0) {
      int room = CHUNK - inChunk;
      if (!hashing && inChunk == 0 && n >= CHUNK) {
        long whole = n / CHUNK;
        for (long i = 0; i < whole; i++) outer.update(ZERO_CHUNK);
        n -= whole * CHUNK;
        continue;
      }
      int take = (int) Math.min(room, n);
      if (hashing) {
        for (int left = take; left > 0; left -= ZEROS.length)
          chunk.update(ZEROS, 0, Math.min(ZEROS.length, left));
      }
      advance(take);
      n -= take;
    }
  }

  @Override
  protected void engineUpdate(byte input) {
    engineUpdate(new byte[] {input}, 0, 1);
  }

  @Override
  protected void engineUpdate(byte[] input, int offset, int len) {
    while (len > 0) {
      int take = Math.min(CHUNK - inChunk, len);
      if (!hashing) {
        int nonZero = firstNonZero(input, offset, take);
        if (nonZero >= 0) {
          hashing = true;
          int zerosBefore = inChunk + nonZero;
          for (int left = zerosBefore; left > 0; left -= ZEROS.length) {
            chunk.update(ZEROS, 0, Math.min(ZEROS.length, left));
          }
          chunk.update(input, offset + nonZero, take - nonZero);
        }
      } else {
        chunk.update(input, offset, take);
      }
      advance(take);
      offset += take;
      len -= take;
    }
  }

  private void advance(int n) {
    inChunk += n;
    if (inChunk == CHUNK) endChunk();
  }

  private void endChunk() {
    if (hashing) {
      outer.update(chunk.digest());
    } else if (inChunk == CHUNK) {
      outer.update(ZERO_CHUNK);
    } else {
      // a short last chunk of zeros: hashed once here, at most one chunk's worth
      for (int left = inChunk; left > 0; left -= ZEROS.length)
        chunk.update(ZEROS, 0, Math.min(ZEROS.length, left));
      outer.update(chunk.digest());
    }
    inChunk = 0;
    hashing = false;
  }

  private static int firstNonZero(byte[] b, int offset, int len) {
    for (int at = 0; at < len; at += ZEROS.length) {
      int n = Math.min(ZEROS.length, len - at);
      int m = Arrays.mismatch(b, offset + at, offset + at + n, ZEROS, 0, n);
      if (m >= 0) return at + m;
    }
    return -1;
  }

  @Override
  protected byte[] engineDigest() {
    if (inChunk > 0) endChunk();
    byte[] out = outer.digest();
    engineReset();
    return out;
  }

  @Override
  protected void engineReset() {
    outer.reset();
    chunk.reset();
    inChunk = 0;
    hashing = false;
  }

  @Override
  protected int engineGetDigestLength() {
    return 32;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
