package io.cephflow.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ChunkedSha256Test {
  static final int CHUNK = ChunkedSha256.CHUNK;

  /** The definition, spelled out: SHA-256 over each chunk's SHA-256, the last chunk short. */
  static String reference(byte[] image) throws Exception {
    MessageDigest outer = MessageDigest.getInstance("SHA-256");
    for (int at = 0; at < image.length; at += CHUNK) {
      outer.update(
          MessageDigest.getInstance("SHA-256")
              .digest(Arrays.copyOfRange(image, at, Math.min(image.length, at + CHUNK))));
    }
    return HexFormat.of().formatHex(outer.digest());
  }

  /**
   * Feeds {@code image} in pieces of {@code piece} bytes, runs of zeros of a whole piece as {@link
   * ChunkedSha256#zeros}.
   */
  static String fed(byte[] image, int piece, boolean zerosAsLength) {
    ChunkedSha256 d = new ChunkedSha256();
    byte[] none = new byte[piece];
    for (int at = 0; at < image.length; at += piece) {
      int n = Math.min(piece, image.length - at);
      if (zerosAsLength && Arrays.mismatch(image, at, at + n, none, 0, n) < 0) d.zeros(n);
      else d.update(image, at, n);
    }
    return HexFormat.of().formatHex(d.digest());
  }

  static byte[] image(int size, long seed, int... dataAt) {
    byte[] image = new byte[size];
    Random rnd = new Random(seed);
    for (int at : dataAt) {
      byte[] b = new byte[1000];
      rnd.nextBytes(b);
      System.arraycopy(b, 0, image, at, Math.min(b.length, size - at));
    }
    return image;
  }

  @Test
  void theZeroChunkConstantIsTheSha256OfAZeroChunk() throws Exception {
    assertThat(ChunkedSha256.ZERO_CHUNK)
        .isEqualTo(MessageDigest.getInstance("SHA-256").digest(new byte[CHUNK]));
  }

  @Test
  void equalsTheDefinitionHoweverTheBytesArrive() throws Exception {
    // holes before, between and after data; a zero chunk inside; a short last chunk; data at chunk
    // edges
    byte[] sparse =
        image(3 * CHUNK + 12345, 1, 100, CHUNK - 10, 2 * CHUNK + 7000, 3 * CHUNK + 11000);
    byte[] dense = new byte[CHUNK + 1];
    new Random(2).nextBytes(dense);
    for (byte[] img :
        new byte[][] {sparse, dense, new byte[2 * CHUNK], new byte[CHUNK - 1], new byte[0]}) {
      String want = reference(img);
      assertThat(fed(img, img.length == 0 ? 1 : img.length, false)).isEqualTo(want);
      assertThat(fed(img, 4096, false)).isEqualTo(want);
      assertThat(fed(img, 4096, true)).isEqualTo(want);
      assertThat(fed(img, 3 << 20, true)).isEqualTo(want);
      assertThat(fed(img, 9 << 20, true)).isEqualTo(want);
    }
  }

  @Test
  void differsFromThePlainSha256AndSeesEveryByte() throws Exception {
    byte[] img = image(CHUNK + 5, 3, 0);
    String chunked = fed(img, 1 << 20, true);
    assertThat(chunked)
        .isNotEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(img)));
    img[CHUNK + 4] = 1;
    assertThat(fed(img, 1 << 20, true)).isNotEqualTo(chunked);
    // a zero byte more is another image
    assertThat(fed(new byte[CHUNK + 1], 1 << 20, true))
        .isNotEqualTo(fed(new byte[CHUNK], 1 << 20, true));
  }

  @Test
  void resetsAfterADigest() throws Exception {
    ChunkedSha256 d = new ChunkedSha256();
    byte[] img = image(5000, 4, 0);
    d.update(img);
    d.zeros(7);
    d.digest();
    d.update(img);
    assertThat(HexFormat.of().formatHex(d.digest())).isEqualTo(reference(img));
  }

  @Test
  void rawDigestComputesTheChunkedAndThePlainDigestInOnePass() throws Exception {
    byte[] img = image(CHUNK + 70000, 5, 10, CHUNK + 60000);
    try (RawDigest d =
        new RawDigest(
            RawDigestTest.regions(img, 10, 1000, CHUNK + 60000, 1000),
            ChunkedSha256.ALGORITHM,
            null,
            "SHA-256")) {
      RawDigestTest.drain(d);
      assertThat(d.hex(ChunkedSha256.ALGORITHM)).isEqualTo(reference(img));
      assertThat(d.hex("SHA-256"))
          .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(img)));
      assertThat(d.hex("SHA-512")).isNull();
    }
  }
}
