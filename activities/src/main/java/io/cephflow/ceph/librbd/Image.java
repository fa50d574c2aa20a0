package io.cephflow.ceph.librbd;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import io.cephflow.workflows.common.RbdRef;

/**
 * An open librbd image handle, always closed. Opened through our own binding, not rados-java's Rbd:
 * we need snapshots and read-only opens, and its struct-based calls (stat, snap list) crash the JVM
 * with JNA 5.14.
 */
final class Image implements AutoCloseable {
  private static final RbdNative RBD = RbdNative.INSTANCE;
  private final Pointer ptr;
  private final RbdRef ref;

  /** The image held for this writable handle; null for a read-only one. */
  private final ImageLocks.Hold hold;

  private Image(Pointer ptr, RbdRef ref, ImageLocks.Hold hold) {
    this.ptr = ptr;
    this.ref = ref;
    this.hold = hold;
  }

  static Image open(CephCluster.Pool pool, RbdRef ref) {
    return open(pool, ref, null, false);
  }

  static Image open(CephCluster.Pool pool, RbdRef ref, String snap, boolean readOnly) {
    if (readOnly) return open(pool, ref, snap, null);
    ImageLocks.Hold hold = ImageLocks.acquire(ref, "open image " + ref);
    try {
      return open(pool, ref, snap, hold);
    } catch (RuntimeException e) {
      hold.close();
      throw e;
    }
  }

  /** A writable open holds the image ({@code hold}); a read-only one has none. */
  private static Image open(CephCluster.Pool pool, RbdRef ref, String snap, ImageLocks.Hold hold) {
    boolean readOnly = hold == null;
    PointerByReference out = new PointerByReference();
    int rc =
        readOnly
            ? RBD.rbd_open_read_only(pool.ptr(), ref.image(), out, snap)
            : RBD.rbd_open(pool.ptr(), ref.image(), out, snap);
    Check.rc(rc, "open image " + ref + (snap == null ? "" : "@" + snap));
    if (readOnly) return new Image(out.getValue(), ref, null);
    try {
      StaleLocks.opened(pool.ptr(), out.getValue(), ref);
    } catch (RuntimeException e) {
      RBD.rbd_close(out.getValue());
      throw e;
    }
    return new Image(out.getValue(), ref, hold);
  }

  Pointer ptr() {
    return ptr;
  }

  RbdRef ref() {
    return ref;
  }

  @Override
  public void close() {
    try {
      RBD.rbd_close(ptr);
    } finally {
      if (hold != null) {
        StaleLocks.closed(ref);
        hold.close();
      }
    }
  }
}
