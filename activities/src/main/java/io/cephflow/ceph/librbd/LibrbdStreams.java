package io.cephflow.ceph.librbd;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import io.cephflow.ceph.DataSource;
import io.cephflow.ceph.ImportResult;
import io.cephflow.ceph.Progress;
import io.cephflow.ceph.RbdException;
import io.cephflow.ceph.RbdNames;
import io.cephflow.ceph.RbdStreams;
import io.cephflow.workflows.common.RbdRef;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/**
 * Streaming I/O over one image handle with {@code depth} aio writes in flight from native buffers.
 * One handle matters: several handles on an exclusive-lock image fight over the lock.
 */
public final class LibrbdStreams implements RbdStreams {
  private static final RbdNative RBD = RbdNative.INSTANCE;

  /**
   * The largest aio write (or the object size, if smaller). 2 MiB writes (qemu-img's request size)
   * kept this OSD's disk busier than whole 4 MiB objects: see docs/benchmarks.md.
   */
  static final int MAX_WRITE = 2 << 20;

  private final CephCluster cluster;
  private final int depth;

  public LibrbdStreams(CephCluster cluster, int depth) {
    if (depth < 1 || depth > 256)
      throw new IllegalArgumentException("aio depth must be 1..256, got " + depth);
    this.cluster = cluster;
    this.depth = depth;
  }

  public LibrbdStreams(CephCluster cluster) {
    this(cluster, 16);
  }

  @Override
  public ImportResult write(RbdRef target, DataSource source, long resumeFrom, Progress progress) {
    RbdNames.check(target);
    try (var pool = cluster.pool(target.pool());
        var image = Image.open(pool, target);
        var ring = new AioRing(image, depth, writeSize(LibrbdImages.stat(image).objectSize()))) {
      long read = 0, written = 0, zeros = 0, total = source.size();
      while (true) {
        ByteBuffer buf = ring.nextFree();
        long offset = source.next(buf);
        if (offset < 0) break;
        int len = buf.position();
        if (len == 0) continue;
        read = Math.max(read, offset + len);
        if (offset + len <= resumeFrom) continue;
        if (AioRing.isZero(buf, len)) {
          zeros += len;
        } else {
          ring.submit(offset, len);
          written += len;
        }
        progress.update(ring.completedUpTo(read), total);
      }
      ring.drain();
      Check.rc(RBD.rbd_flush(image.ptr()), "flush " + target);
      progress.update(read, total < 0 ? read : total);
      return new ImportResult(read, written, zeros);
    } catch (IOException e) {
      throw new UncheckedIOException("reading the source for " + target + ": " + e.getMessage(), e);
    }
  }

  static int writeSize(long objectSize) {
    return (int) Math.min(objectSize, MAX_WRITE);
  }

  @Override
  public long export(RbdRef ref, OutputStream out, Progress progress) {
    RbdNames.check(ref);
    try (var pool = cluster.pool(ref.pool());
        var image = Image.open(pool, ref, null, true)) {
      long size = LibrbdImages.stat(image).sizeBytes();
      int chunk = 4 << 20;
      Memory mem = new Memory(chunk);
      byte[] heap = new byte[chunk];
      for (long off = 0; off < size; off += chunk) {
        int len = (int) Math.min(chunk, size - off);
        long n = Check.rc(RBD.rbd_read(image.ptr(), off, len, mem), "read " + ref + " at " + off);
        mem.read(0, heap, 0, (int) n);
        out.write(heap, 0, (int) n);
        progress.update(off + n, size);
      }
      return size;
    } catch (IOException e) {
      throw new UncheckedIOException("exporting " + ref + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void writeAt(RbdRef ref, long offset, byte[] data) {
    RbdNames.check(ref);
    try (var pool = cluster.pool(ref.pool());
        var image = Image.open(pool, ref)) {
      Memory mem = new Memory(Math.max(1, data.length));
      mem.write(0, data, 0, data.length);
      Check.rc(
          RBD.rbd_write(image.ptr(), offset, data.length, mem), "write " + ref + " at " + offset);
      Check.rc(RBD.rbd_flush(image.ptr()), "flush " + ref);
    }
  }

  @Override
  public byte[] readAt(RbdRef ref, long offset, int length) {
    RbdNames.check(ref);
    try (var pool = cluster.pool(ref.pool());
        var image = Image.open(pool, ref, null, true)) {
      Memory mem = new Memory(Math.max(1, length));
      long n =
          Check.rc(RBD.rbd_read(image.ptr(), offset, length, mem), "read " + ref + " at " + offset);
      return mem.getByteArray(0, (int) n);
    }
  }

  /** A ring of native buffers, each with at most one aio write in flight, reused in order. */
  private static final class AioRing implements AutoCloseable {
    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(256 << 10);
    private final Image image;
    private final Memory[] mem;
    private final ByteBuffer[] views;
    private final Pointer[] inFlight;
    private final long[] ends;
    private int slot = -1;
    private long completed;

    AioRing(Image image, int depth, int chunk) {
      this.image = image;
      this.mem = new Memory[depth];
      this.views = new ByteBuffer[depth];
      this.inFlight = new Pointer[depth];
      this.ends = new long[depth];
      for (int i = 0; i < depth; i++) {
        mem[i] = new Memory(chunk);
        views[i] = mem[i].getByteBuffer(0, chunk);
      }
    }

    /** The next buffer, cleared, once its previous write has completed. */
    ByteBuffer nextFree() {
      slot = (slot + 1) % mem.length;
      await(slot);
      return views[slot].clear();
    }

    void submit(long offset, int len) {
      PointerByReference c = new PointerByReference();
      Check.rc(RBD.rbd_aio_create_completion(null, null, c), "create aio completion");
      int rc = RBD.rbd_aio_write(image.ptr(), offset, len, mem[slot], c.getValue());
      if (rc < 0) {
        RBD.rbd_aio_release(c.getValue());
        Check.rc(rc, "write " + image.ref() + " at " + offset);
      }
      inFlight[slot] = c.getValue();
      ends[slot] = offset + len;
    }

    /**
     * How far the image is durable: the writes that have completed are retired oldest first (in
     * ring order, which is offset order), without waiting, and everything before the oldest one
     * still in flight is written. Without this, a ring of 16 object-sized writes reported nothing
     * until its first slot came round again (64 MiB), and a small image nothing at all.
     */
    long completedUpTo(long submittedEnd) {
      for (int k = 1; k <= inFlight.length; k++) {
        int i = (slot + k) % inFlight.length;
        if (inFlight[i] == null) continue;
        if (RBD.rbd_aio_is_complete(inFlight[i]) == 0) return completed;
        await(i); // already complete: returns at once
      }
      return submittedEnd;
    }

    private void await(int i) {
      Pointer c = inFlight[i];
      if (c == null) return;
      inFlight[i] = null;
      RBD.rbd_aio_wait_for_complete(c);
      long rc = RBD.rbd_aio_get_return_value(c);
      RBD.rbd_aio_release(c);
      if (rc < 0)
        throw RbdException.fromErrno((int) rc, "write " + image.ref() + " ending at " + ends[i]);
      completed = Math.max(completed, ends[i]);
    }

    void drain() {
      for (int i = 0; i < inFlight.length; i++) await((slot + 1 + i) % inFlight.length);
    }

    static boolean isZero(ByteBuffer buf, int len) {
      ByteBuffer data = buf.duplicate().position(0).limit(len);
      for (int off = 0; off < len; off += ZEROS.capacity()) {
        int n = Math.min(ZEROS.capacity(), len - off);
        if (data.duplicate().position(off).limit(off + n).mismatch(ZEROS.duplicate().limit(n))
            != -1) return false;
      }
      return true;
    }

    @Override
    public void close() {
      // never free a buffer librbd may still write from
      for (int i = 0; i < inFlight.length; i++) {
        Pointer c = inFlight[i];
        if (c != null) {
          RBD.rbd_aio_wait_for_complete(c);
          RBD.rbd_aio_release(c);
          inFlight[i] = null;
        }
      }
      for (Memory m : mem) m.close(); // now, not whenever the GC gets to it
    }
  }
}
