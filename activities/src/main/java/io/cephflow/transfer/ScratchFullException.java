package io.cephflow.transfer;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;

/**
 * The scratch file system ran out of space (ENOSPC) or quota (EDQUOT) while a file was written
 * there: the scratch area's fault, not the source's. Not retried: the same source on the same host
 * needs the same room again.
 */
public final class ScratchFullException extends IOException {
  public ScratchFullException(String message, IOException cause) {
    super(message, cause);
  }

  /**
   * {@code out} (a file in the scratch area {@code dir}), with its write failures for want of space
   * turned into this exception, naming the area and the bytes written before.
   */
  public static OutputStream watch(OutputStream out, Path dir) {
    return new FilterOutputStream(out) {
      private long written;

      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        try {
          out.write(b, off, len);
        } catch (IOException e) {
          throw translate(e, dir, written);
        }
        written += len;
      }

      @Override
      public void close() throws IOException {
        try {
          out.close();
        } catch (IOException e) {
          throw translate(e, dir, written);
        }
      }
    };
  }

  /** The JDK reports errno only as strerror's text: ENOSPC and EDQUOT are these two. */
  static IOException translate(IOException e, Path dir, long written) {
    String m = String.valueOf(e.getMessage());
    if (!m.contains("No space left on device") && !m.contains("Disk quota exceeded")) return e;
    return new ScratchFullException(
        "the scratch area "
            + dir
            + " is full ("
            + m
            + ") after "
            + written
            + " bytes were written there; free space on it or give this host a larger one"
            + " (cephflow.intake.scratch-dir)",
        e);
  }
}
