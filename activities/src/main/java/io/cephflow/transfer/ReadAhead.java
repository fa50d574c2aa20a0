package io.cephflow.transfer;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Reads a stream ahead on a thread of its own, into a few blocks, so that receiving the next
 * bytes (an HTTP body) overlaps the caller's waits for its writes, as {@code curl | rbd import -}
 * overlaps them through the pipe. Without it one thread took turns: JFR of an HTTP upload showed
 * the writer in socket reads 21 % of its samples and waiting on the OSD 63 %, never both at once.
 * Memory: {@code blocks} arrays of {@code blockSize}. A failure of the reader (a typed
 * {@link SourceReadException}, a timeout) is thrown, as it is, by the read that reaches it.
 */
public final class ReadAhead extends InputStream {
  /** What the upload path reads ahead: 4 blocks of the writer's 2 MiB. */
  public static final int BLOCK = 2 << 20;
  public static final int BLOCKS = 4;

  private record Block(byte[] buf, int len, Throwable failure) {}

  private final InputStream in;
  private final BlockingQueue<byte[]> free;
  private final BlockingQueue<Block> filled;
  private final Thread thread;
  private Block current;
  private int pos;
  private boolean ended;

  public ReadAhead(InputStream in, int blockSize, int blocks) {
    this.in = in;
    this.free = new ArrayBlockingQueue<>(blocks);
    this.filled = new ArrayBlockingQueue<>(blocks + 1);
    for (int i = 0; i < blocks; i++) free.add(new byte[blockSize]);
    this.thread = new Thread(this::run, "read-ahead");
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    try {
      while (true) {
        byte[] b = free.take();
        int n = 0;
        for (int r; n < b.length && (r = in.read(b, n, b.length - n)) > 0; ) n += r;
        if (n == 0) {
          filled.put(new Block(null, -1, null));
          return;
        }
        filled.put(new Block(b, n, null));
      }
    } catch (InterruptedException e) {
      // closed
    } catch (IOException | RuntimeException e) {
      filled.offer(new Block(null, -1, e)); // room is kept for it: blocks + 1
    }
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] dst, int off, int len) throws IOException {
    if (len == 0) return 0;
    if (ended) return -1;
    if (current == null || pos == current.len()) {
      if (current != null) free.add(current.buf());
      current = take();
      pos = 0;
      if (current.failure() != null) {
        ended = true;
        if (current.failure() instanceof IOException e) throw e;
        if (current.failure() instanceof UncheckedIOException e) throw e.getCause();
        throw (RuntimeException) current.failure();
      }
      if (current.len() < 0) {
        ended = true;
        return -1;
      }
    }
    int n = Math.min(len, current.len() - pos);
    System.arraycopy(current.buf(), pos, dst, off, n);
    pos += n;
    return n;
  }

  private Block take() throws IOException {
    try {
      return filled.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for the source");
    }
  }

  /** Stops the reader and closes the stream (which also ends a read it is blocked in). */
  @Override
  public void close() throws IOException {
    thread.interrupt();
    in.close();
  }
}
