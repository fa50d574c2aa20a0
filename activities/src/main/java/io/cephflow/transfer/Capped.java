package io.cephflow.transfer;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A body that fails as soon as it passes {@code max} bytes: an endless body (chunked, or without a
 * length) must not run until the disk or the image is full.
 */
final class Capped extends FilterInputStream {
  private final long max;
  private long count;

  Capped(InputStream in, long max) {
    super(in);
    this.max = max;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) return 0;
    if (count < max) {
      int n = in.read(b, off, (int) Math.min(len, max - count));
      if (n > 0) count += n;
      return n;
    }
    // at the cap: the body must end here, and one byte more says it does not
    if (in.read() < 0) return -1;
    throw new SourceTooLargeException("the source is larger than the limit of " + max + " bytes");
  }

  /** Through read, so skipped bytes count too. */
  @Override
  public long skip(long n) throws IOException {
    byte[] buf = new byte[(int) Math.min(Math.max(n, 0), 8192)];
    long skipped = 0;
    for (int r; skipped < n && (r = read(buf, 0, (int) Math.min(buf.length, n - skipped))) > 0; )
      skipped += r;
    return skipped;
  }
}
