package io.cephflow.transfer;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Digests computed on threads of their own (one per digest), so that hashing overlaps the reads and
 * the RBD writes instead of taking turns with them in the writer's thread. Bytes pass in heap
 * arrays lent by the pipe ({@link #buffer}) and handed over with {@link #hash}; a run of zeros
 * passes as a length only ({@link #zeros}). At most {@value #BUFFERS} arrays exist, so a writer
 * faster than the hash waits for it (memory stays bounded) and a slower one never does.
 *
 * <p>SHA-256 is a chain (every block needs the state after the one before): one digest cannot use
 * more than one thread, and its pace (~1.8 GB/s here with the CPU's SHA instructions) bounds what a
 * whole-image checksum costs on a sparse image; {@link ChunkedSha256} (the provenance digest)
 * passes zeros at the cost of a zero check. Measured in docs/benchmarks.md.
 */
final class DigestPipe implements AutoCloseable {
  static final int BUFFERS = 4;
  private static final byte[] ZEROS = new byte[1 << 20];
  private static final long POLL_MS = 50;
  private final List<Lane> lanes = new ArrayList<>();
  private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(BUFFERS);
  private int lent;
  private String[] hex;

  /**
   * @param algorithms JCA names; null entries are skipped (the result keeps their place as null)
   */
  DigestPipe(String... algorithms) {
    for (String a : algorithms) {
      MessageDigest d = a == null ? null : digest(a);
      lanes.add(d == null ? null : new Lane(d));
    }
  }

  private static MessageDigest digest(String algorithm) {
    if (ChunkedSha256.ALGORITHM.equals(algorithm)) return new ChunkedSha256();
    try {
      return MessageDigest.getInstance(algorithm);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalArgumentException("unsupported digest " + algorithm, e);
    }
  }

  /**
   * An array of at least {@code size} bytes to fill and pass to {@link #hash}; may wait for one.
   */
  byte[] buffer(int size) {
    byte[] b = free.poll();
    if (b == null && lent < BUFFERS) {
      lent++;
      return new byte[size];
    }
    while (b == null) {
      check();
      b = waitFor(() -> free.poll(POLL_MS, TimeUnit.MILLISECONDS));
    }
    return b.length >= size ? b : new byte[size];
  }

  /** Hashes {@code buf[0, len)} on every lane; the caller must not touch {@code buf} afterwards. */
  void hash(byte[] buf, int len) {
    Chunk c = new Chunk(buf, len, 0, new AtomicInteger(active()));
    for (Lane l : lanes) if (l != null) l.put(c);
  }

  /** Hashes {@code n} zero bytes on every lane. */
  void zeros(long n) {
    if (n <= 0) return;
    Chunk c = new Chunk(null, 0, n, null);
    for (Lane l : lanes) if (l != null) l.put(c);
  }

  /**
   * Waits for everything passed so far; the hex digests in the order of the constructor's names.
   */
  String[] finish() {
    if (hex == null) {
      String[] out = new String[lanes.size()];
      for (Lane l : lanes) if (l != null) l.put(Chunk.END);
      for (int i = 0; i < out.length; i++)
        out[i] = lanes.get(i) == null ? null : lanes.get(i).finish();
      hex = out;
    }
    return hex.clone();
  }

  /** Stops the threads (a pipe closed before {@link #finish} abandons its digests). */
  @Override
  public void close() {
    for (Lane l : lanes) if (l != null) l.thread.interrupt();
  }

  private int active() {
    int n = 0;
    for (Lane l : lanes) if (l != null) n++;
    return n;
  }

  private void check() {
    if (hex != null) throw new IllegalStateException("the digests are finished");
    for (Lane l : lanes) {
      if (l != null && l.failure != null)
        throw new IllegalStateException("hashing failed: " + l.failure, l.failure);
    }
  }

  private record Chunk(byte[] buf, int len, long zeros, AtomicInteger readers) {
    static final Chunk END = new Chunk(null, 0, 0, null);
  }

  /** One digest on one thread. */
  private final class Lane {
    private final MessageDigest digest;
    private final BlockingQueue<Chunk> work = new ArrayBlockingQueue<>(2 * BUFFERS);
    private final Thread thread;
    private volatile Throwable failure;

    Lane(MessageDigest digest) {
      this.digest = digest;
      this.thread = new Thread(this::run, "digest-" + digest.getAlgorithm());
      thread.setDaemon(true);
      thread.start();
    }

    private void run() {
      try {
        for (Chunk c = work.take(); c != Chunk.END; c = work.take()) {
          if (c.buf == null && digest instanceof ChunkedSha256 chunked) {
            chunked.zeros(c.zeros); // whole zero chunks cost a constant, not a hash
          } else if (c.buf == null) {
            for (long left = c.zeros; left > 0; left -= ZEROS.length) {
              digest.update(ZEROS, 0, (int) Math.min(ZEROS.length, left));
            }
          } else {
            digest.update(c.buf, 0, c.len);
            if (c.readers.decrementAndGet() == 0) free.offer(c.buf); // the last lane gives it back
          }
        }
      } catch (InterruptedException e) {
        // closed before the end: the digest is abandoned
      } catch (RuntimeException | Error e) {
        failure = e;
      }
    }

    void put(Chunk c) {
      boolean queued = false;
      while (!queued) {
        check();
        if (!thread.isAlive()) throw new IllegalStateException("the digest thread has stopped");
        queued = waitFor(() -> work.offer(c, POLL_MS, TimeUnit.MILLISECONDS));
      }
    }

    String finish() {
      waitFor(
          () -> {
            thread.join();
            return null;
          });
      if (failure != null) throw new IllegalStateException("hashing failed: " + failure, failure);
      return HexFormat.of().formatHex(digest.digest());
    }
  }

  private interface Wait<T> {
    T get() throws InterruptedException;
  }

  /**
   * Waits through interrupts and keeps the flag for the caller: the writer's thread stops at its
   * own checks (heartbeat, cancellation), not in the middle of handing over a buffer.
   */
  private static <T> T waitFor(Wait<T> w) {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return w.get();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) Thread.currentThread().interrupt();
    }
  }
}
