package io.cephflow.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cephflow.workflows.common.Failures;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ReadAheadTest {
  @Test
  void passesEveryByteInOrderWhateverTheReadSizes() throws Exception {
    byte[] data = new byte[(3 << 20) + 777];
    new Random(1).nextBytes(data);
    try (ReadAhead in = new ReadAhead(new ByteArrayInputStream(data), 1 << 20, 2)) {
      assertThat(in.readNBytes(5)).containsExactly(java.util.Arrays.copyOf(data, 5));
      assertThat(in.readAllBytes()).isEqualTo(java.util.Arrays.copyOfRange(data, 5, data.length));
      assertThat(in.read()).isEqualTo(-1);
      assertThat(in.read(new byte[10], 0, 10)).isEqualTo(-1);
    }
  }

  @Test
  void aReadersFailureIsThrownAsItIsAfterTheBytesBeforeIt() throws Exception {
    SourceReadException stall = new SourceReadException(Failures.SOURCE_TIMEOUT, "stalled", true, null);
    InputStream failing = new InputStream() {
      int left = 1000;

      @Override
      public int read() throws IOException {
        if (left-- > 0) return 7;
        throw stall;
      }
    };
    try (ReadAhead in = new ReadAhead(failing, 4096, 2)) {
      assertThatThrownBy(in::readAllBytes).isSameAs(stall);
      assertThat(in.read()).isEqualTo(-1);
    }
  }

  @Test
  void closeEndsAReaderBlockedOnASilentSource() throws Exception {
    AtomicBoolean closed = new AtomicBoolean();
    InputStream silent = new InputStream() {
      @Override
      public int read() throws IOException {
        try {
          Thread.sleep(60_000);
        } catch (InterruptedException e) {
          throw new java.io.InterruptedIOException();
        }
        return -1;
      }

      @Override
      public void close() {
        closed.set(true);
      }
    };
    ReadAhead in = new ReadAhead(silent, 4096, 2);
    in.close();
    assertThat(closed).isTrue();
  }
}
