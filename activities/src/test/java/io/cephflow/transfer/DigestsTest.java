package io.cephflow.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** SHA-256 plus an optional second digest: the digests of exactly the bytes and zeros passed. */
class DigestsTest {
  private static String hex(String algorithm, byte[] data) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(data));
  }

  @Test
  void bytesAndZerosHashAsTheWholeTheyMakeUp() throws Exception {
    byte[] data = new byte[300_000];
    new Random(7).nextBytes(data);
    byte[] whole = new byte[data.length + 70_000];
    System.arraycopy(data, 0, whole, 0, data.length);
    try (Digests d = Digests.sha256("SHA-512")) {
      for (int at = 0; at < data.length; at += 65536) {
        int n = Math.min(65536, data.length - at);
        byte[] buf = d.buffer(n);
        System.arraycopy(data, at, buf, 0, n);
        d.hash(buf, n);
      }
      d.zeros(70_000);
      Digests.Hex h = d.finish();
      assertThat(h.sha256()).isEqualTo(hex("SHA-256", whole));
      assertThat(h.extra()).isEqualTo(hex("SHA-512", whole));
      assertThat(d.finish()).isEqualTo(h);
      assertThat(d.finished()).isTrue();
    }
  }

  @Test
  void withoutAnExtraDigestOnlySha256() throws Exception {
    try (Digests d = Digests.sha256(null)) {
      assertThat(d.finished()).isFalse();
      assertThat(d.finish()).isEqualTo(new Digests.Hex(hex("SHA-256", new byte[0]), null));
    }
    try (Digests d = Digests.extraOnly("SHA-512")) {
      assertThat(d.finish()).isEqualTo(new Digests.Hex(null, hex("SHA-512", new byte[0])));
    }
  }
}
