package io.cephflow.intake.qemu;

import java.nio.ByteBuffer;

/**
 * Bytes of the decoded raw view at {@code offset}. {@code data} may be a view of the source's
 * reused buffer: it is valid until the source's next {@code next()} or {@code close()}.
 */
public record RawExtent(long offset, ByteBuffer data) {
  public int length() {
    return data.remaining();
  }
}
