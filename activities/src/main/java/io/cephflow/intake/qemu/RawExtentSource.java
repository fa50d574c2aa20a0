package io.cephflow.intake.qemu;

import java.io.IOException;

/**
 * The raw (decoded) content of an image as a sequence of non-zero extents in ascending offset
 * order. Everything not yielded reads as zero, so a writer onto a fresh, zero-filled RBD image can
 * skip it. Closing always stops the decoder and removes its files. One consumer thread calls {@link
 * #next()}; an extent's data is valid until the following call (see {@link RawExtent}).
 */
public interface RawExtentSource extends AutoCloseable {

  /** Size of the raw view in bytes. */
  long virtualSize();

  /** The next extent, or {@code null} when the whole image has been covered. */
  RawExtent next() throws IOException;

  @Override
  void close() throws IOException;
}
