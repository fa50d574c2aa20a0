package io.cephflow.ceph.librbd;

import io.cephflow.ceph.RbdException;
import io.cephflow.workflows.common.RbdRef;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One writable use of an image at a time in this process: a writable handle, a remove, a move to
 * the trash. Two handles of one process that want an image's exclusive lock at once hand it back
 * and forth through librbd's watch/notify, and librbd 16.2 does not survive that when one of them
 * closes meanwhile: the stress run (bench/jna-stress.sh, two librados clients writing, snapshotting
 * and resizing one image) aborted the JVM within minutes in the librados threads, on asserts in
 * librbd's close (CloseRequest: object map still set) and in a destroyed AsyncOpTracker with ops
 * pending, the shape of the abort CI met. Serialized here, no handover between our own handles
 * takes place. Read-only handles take no exclusive lock and are not serialized.
 *
 * <p>A caller waits at most {@link #WAIT}, then fails retryable (TIMED_OUT): a long import holds
 * its image for minutes, and an activity blocked here does not heartbeat.
 */
final class ImageLocks {
  static final Duration WAIT = Duration.ofSeconds(30);

  private static final ConcurrentHashMap<RbdRef, Entry> LOCKS = new ConcurrentHashMap<>();

  private ImageLocks() {}

  private static final class Entry {
    final ReentrantLock lock = new ReentrantLock();
    int users; // guarded by LOCKS' bin for this key (compute)
  }

  /** A held image; released on the thread that took it. */
  static final class Hold implements AutoCloseable {
    private final RbdRef ref;
    private final Entry entry;
    private boolean released;

    private Hold(RbdRef ref, Entry entry) {
      this.ref = ref;
      this.entry = entry;
    }

    @Override
    public void close() {
      if (released) return;
      released = true;
      entry.lock.unlock();
      forget(ref, entry);
    }
  }

  /** Waits up to {@link #WAIT} until no other writable use of {@code ref} is in progress here. */
  static Hold acquire(RbdRef ref, String what) {
    return acquire(ref, what, WAIT);
  }

  static Hold acquire(RbdRef ref, String what, Duration wait) {
    Entry e =
        LOCKS.compute(
            ref,
            (k, v) -> {
              Entry x = v != null ? v : new Entry();
              x.users++;
              return x;
            });
    boolean locked = false;
    try {
      locked = e.lock.tryLock(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
    }
    if (!locked) {
      forget(ref, e);
      throw new RbdException(
          RbdException.Kind.TIMED_OUT,
          -110,
          what + ": " + ref + " has been in use by another operation of this process for " + wait,
          java.util.List.of());
    }
    return new Hold(ref, e);
  }

  private static void forget(RbdRef ref, Entry e) {
    LOCKS.computeIfPresent(ref, (k, v) -> v == e && --v.users == 0 ? null : v);
  }

  /** Images with a use waiting or in progress (tests). */
  static int tracked() {
    return LOCKS.size();
  }
}
