package io.cephflow.intake.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExtentDataSourceTest {
  @Test
  void extentsLargerThanTheBufferAreHandedOutInPiecesAtTheRightOffsets() throws Exception {
    Deque<RawExtent> extents =
        new ArrayDeque<>(
            List.of(
                new RawExtent(
                    100, ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 2, 8).slice()),
                new RawExtent(200, ByteBuffer.wrap(new byte[] {11, 12}))));
    boolean[] closed = {false};
    RawExtentSource source =
        new RawExtentSource() {
          public long virtualSize() {
            return 4096;
          }

          public RawExtent next() {
            return extents.poll();
          }

          public void close() {
            closed[0] = true;
          }
        };
    List<String> pieces = new ArrayList<>();
    try (ExtentDataSource data = new ExtentDataSource(source)) {
      assertThat(data.size()).isEqualTo(4096);
      ByteBuffer dst = ByteBuffer.allocate(3);
      for (long off; (off = data.next(dst.clear())) >= 0; ) {
        byte[] got = new byte[dst.position()];
        dst.flip().get(got);
        pieces.add(off + ":" + java.util.Arrays.toString(got));
      }
    }
    assertThat(pieces)
        .containsExactly("100:[3, 4, 5]", "103:[6, 7, 8]", "106:[9, 10]", "200:[11, 12]");
    assertThat(closed[0]).isTrue();
  }
}
