package io.cephflow.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.MessageDigest;
import java.util.Collections;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DigestPipeTest {

  private static String hex(String algorithm, byte[] data) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(data));
  }

  @Test
  void bothDigestsEqualTheOnesOfTheSameBytesInOneThread() throws Exception {
    byte[] image = new byte[(5 << 20) + 77];
    Random rnd = new Random(7);
    for (int i = 0; i < image.length; i += 3 << 20) { // data, zeros, data...
      byte[] d = new byte[Math.min(1 << 20, image.length - i)];
      rnd.nextBytes(d);
      System.arraycopy(d, 0, image, i, d.length);
    }
    Set<byte[]> arrays = Collections.newSetFromMap(new IdentityHashMap<>());
    try (DigestPipe pipe = new DigestPipe("SHA-256", "SHA-512")) {
      int chunk = 300_000;
      int zeroRuns = 0;
      for (int off = 0; off < image.length; off += chunk) {
        int n = Math.min(chunk, image.length - off);
        if (java.util.Arrays.equals(
            image, off, off + n, new byte[n], 0, n)) { // zeros: the length only
          pipe.zeros(n);
          zeroRuns++;
          continue;
        }
        byte[] b = pipe.buffer(n);
        arrays.add(b);
        System.arraycopy(image, off, b, 0, n);
        pipe.hash(b, n);
      }
      assertThat(zeroRuns).isGreaterThan(5);
      String[] h = pipe.finish();
      assertThat(h[0]).isEqualTo(hex("SHA-256", image));
      assertThat(h[1]).isEqualTo(hex("SHA-512", image));
    }
    assertThat(arrays).hasSizeLessThanOrEqualTo(DigestPipe.BUFFERS); // memory stays bounded
  }

  @Test
  void aMissingSecondDigestIsNullAndTheFinishedPipeRefusesMore() throws Exception {
    try (DigestPipe pipe = new DigestPipe("SHA-256", null)) {
      pipe.zeros(4096);
      assertThat(pipe.finish()).containsExactly(hex("SHA-256", new byte[4096]), null);
      assertThatThrownBy(() -> pipe.zeros(1)).isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void closingBeforeTheEndStopsItsThreads() throws Exception {
    DigestPipe pipe = new DigestPipe("SHA-256", "SHA-512");
    pipe.zeros(1 << 20);
    pipe.close();
    for (int i = 0; i < 100 && threads() > 0; i++) Thread.sleep(20);
    assertThat(threads()).isZero();
  }

  private static long threads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("digest-"))
        .count();
  }

  @Test
  void anUnknownAlgorithmIsRefused() {
    assertThatThrownBy(() -> new DigestPipe("SHA-256", "NOPE-1"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
