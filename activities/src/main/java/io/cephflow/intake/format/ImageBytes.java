package io.cephflow.intake.format;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;

/** Positioned reads over an untrusted image; short reads are normal and never throw. */
final class ImageBytes {

  private final SeekableByteChannel channel;
  private final long size;

  ImageBytes(SeekableByteChannel channel) throws IOException {
    this.channel = channel;
    this.size = channel.size();
  }

  long size() {
    return size;
  }

  /**
   * Up to {@code length} bytes at {@code offset}; fewer at end of file. Position 0, given order.
   */
  ByteBuffer read(long offset, int length, ByteOrder order) throws IOException {
    if (offset < 0 || offset >= size) {
      return ByteBuffer.allocate(0).order(order);
    }
    int n = (int) Math.min(length, size - offset);
    ByteBuffer buf = ByteBuffer.allocate(n).order(order);
    channel.position(offset);
    while (buf.hasRemaining() && channel.read(buf) > 0) {
      // keep reading: channels may return partial reads
    }
    return buf.flip();
  }

  /** Exactly {@code length} bytes or a corrupt-header refusal naming {@code what}. */
  ByteBuffer readFully(long offset, int length, ByteOrder order, String what)
      throws IOException, UnsafeImageException {
    ByteBuffer buf = read(offset, length, order);
    if (buf.remaining() < length) {
      throw new UnsafeImageException(
          UnsafeImageException.Reason.CORRUPT_HEADER,
          what
              + " truncated: need "
              + length
              + " bytes at offset "
              + offset
              + ", file has "
              + size);
    }
    return buf;
  }

  boolean matches(long offset, byte[] magic) throws IOException {
    ByteBuffer buf = read(offset, magic.length, ByteOrder.BIG_ENDIAN);
    if (buf.remaining() != magic.length) {
      return false;
    }
    for (byte b : magic) {
      if (buf.get() != b) {
        return false;
      }
    }
    return true;
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }
}
