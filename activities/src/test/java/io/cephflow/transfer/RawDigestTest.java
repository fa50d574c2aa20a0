package io.cephflow.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cephflow.ceph.DataSource;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RawDigestTest {

  /**
   * Yields the given regions of {@code image} (offset, length pairs), at most dst's room at a time.
   */
  static DataSource regions(byte[] image, long... pairs) {
    return regions(image.length, image, pairs);
  }

  /** The same, claiming {@code size} as the raw view's size. */
  private static DataSource regions(long size, byte[] image, long... pairs) {
    Deque<long[]> todo = new ArrayDeque<>();
    for (int i = 0; i < pairs.length; i += 2) todo.add(new long[] {pairs[i], pairs[i + 1]});
    return new DataSource() {
      @Override
      public long size() {
        return size;
      }

      @Override
      public long next(ByteBuffer dst) {
        long[] r = todo.poll();
        if (r == null) return -1;
        int n = (int) Math.min(r[1], dst.remaining());
        dst.put(image, (int) r[0], n);
        if (n < r[1]) todo.addFirst(new long[] {r[0] + n, r[1] - n});
        return r[0];
      }

      @Override
      public void close() {}
    };
  }

  static String drain(RawDigest d) throws Exception {
    ByteBuffer buf = ByteBuffer.allocateDirect(3000);
    while (d.next(buf.clear()) >= 0) {
      // the writer would write buf here
    }
    return d.hexDigest();
  }

  @Test
  void equalsTheDigestOfTheWholeRawImageWithHolesAsZeros() throws Exception {
    byte[] image = new byte[(3 << 20) + 123];
    Random rnd = new Random(1);
    byte[] a = new byte[5000];
    byte[] b = new byte[70000];
    rnd.nextBytes(a);
    rnd.nextBytes(b);
    System.arraycopy(a, 0, image, 100, a.length);
    System.arraycopy(b, 0, image, 2 << 20, b.length);
    String want = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(image));

    // data regions only (holes before, between and after), and with a stored zero region
    assertThat(drain(new RawDigest(regions(image, 100, 5000, 2 << 20, 70000)))).isEqualTo(want);
    assertThat(drain(new RawDigest(regions(image, 0, 6000, 1 << 20, 4096, 2 << 20, 70000))))
        .isEqualTo(want);
    assertThat(drain(new RawDigest(regions(image)))).isNotEqualTo(want);

    RawDigest both = new RawDigest(regions(image, 100, 5000, 2 << 20, 70000), "SHA-512");
    assertThat(drain(both)).isEqualTo(want);
    assertThat(both.extraHexDigest())
        .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-512").digest(image)));
  }

  @Test
  void refusesRegionsOutOfOrderAndAnUnfinishedDigest() throws Exception {
    byte[] image = new byte[10000];
    RawDigest backwards = new RawDigest(regions(image, 5000, 100, 4000, 100));
    ByteBuffer buf = ByteBuffer.allocate(1000);
    backwards.next(buf);
    assertThatThrownBy(() -> backwards.next(buf.clear())).hasMessageContaining("out of order");
    assertThatThrownBy(backwards::hexDigest).isInstanceOf(IllegalStateException.class);
    RawDigest past = new RawDigest(regions(9000, image, 8950, 100));
    assertThatThrownBy(() -> past.next(ByteBuffer.allocate(1000)))
        .isInstanceOf(java.io.IOException.class);
  }
}
