package io.cephflow.ceph.librbd;

import com.sun.jna.Callback;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;

/**
 * The librbd calls rados-java 0.6.0 does not bind (or binds with surprises): aio, flush, features,
 * parent info, metadata, trash, flatten with progress, children, open at a snapshot. Signatures
 * from include/rbd/librbd.h (Pacific); size_t is long (LP64 only).
 */
interface RbdNative extends Library {
  RbdNative INSTANCE = Native.load("rbd", RbdNative.class);

  /** librbd_progress_fn_t: return non-zero to cancel. */
  interface ProgressFn extends Callback {
    int invoke(long offset, long total, Pointer arg);
  }

  /** librbd calls progress callbacks without a NULL check: pass this instead of null. */
  ProgressFn NO_PROGRESS = (offset, total, arg) -> 0;

  int rbd_aio_create_completion(Pointer cbArg, Pointer completeCb, PointerByReference completion);

  int rbd_aio_write(Pointer image, long off, long len, Pointer buf, Pointer completion);

  int rbd_aio_wait_for_complete(Pointer completion);

  /** 1 once the request has completed (never blocks). */
  int rbd_aio_is_complete(Pointer completion);

  long rbd_aio_get_return_value(Pointer completion);

  void rbd_aio_release(Pointer completion);

  long rbd_read(Pointer image, long ofs, long len, Pointer buf);

  long rbd_write(Pointer image, long ofs, long len, Pointer buf);

  int rbd_flush(Pointer image);

  /**
   * The image's id (its header object is {@code rbd_header.<id>}); -ERANGE if {@code len} is too
   * small.
   */
  int rbd_get_id(Pointer image, byte[] id, long len);

  int rbd_get_features(Pointer image, LongByReference features);

  int rbd_get_size(Pointer image, LongByReference size);

  int rbd_get_parent_info2(
      Pointer image,
      byte[] parentPool,
      long poolLen,
      byte[] parentName,
      long nameLen,
      byte[] parentId,
      long idLen,
      byte[] parentSnap,
      long snapLen);

  long rbd_list_children(
      Pointer image,
      byte[] pools,
      LongByReference poolsLen,
      byte[] images,
      LongByReference imagesLen);

  int rbd_flatten_with_progress(Pointer image, ProgressFn cb, Pointer arg);

  int rbd_resize2(Pointer image, long size, byte allowShrink, ProgressFn cb, Pointer arg);

  int rbd_metadata_get(Pointer image, String key, byte[] value, LongByReference valueLen);

  int rbd_metadata_set(Pointer image, String key, String value);

  int rbd_metadata_remove(Pointer image, String key);

  int rbd_metadata_list(
      Pointer image,
      String start,
      long max,
      byte[] keys,
      LongByReference keysLen,
      byte[] values,
      LongByReference valuesLen);

  int rbd_trash_move(Pointer ioctx, String name, long delaySeconds);

  int rbd_open(Pointer ioctx, String name, PointerByReference image, String snapName);

  int rbd_open_read_only(Pointer ioctx, String name, PointerByReference image, String snapName);

  int rbd_close(Pointer image);

  int rbd_remove(Pointer ioctx, String name);

  int rbd_create2(Pointer ioctx, String name, long size, long features, int[] order);

  int rbd_clone2(
      Pointer parentIoctx,
      String parentName,
      String parentSnap,
      Pointer childIoctx,
      String childName,
      long features,
      int[] order,
      long stripeUnit,
      int stripeCount);

  int rbd_list(Pointer ioctx, byte[] names, LongByReference size);

  int rbd_stat(Pointer image, RbdStructs.ImageInfo info, long infoSize);

  /**
   * Fills {@code snaps}, an array of {@code maxSnaps} {@link RbdStructs.SnapInfo} (+1 terminator).
   */
  int rbd_snap_list(Pointer image, RbdStructs.SnapInfo snaps, int[] maxSnaps);

  void rbd_snap_list_end(RbdStructs.SnapInfo snaps);

  int rbd_snap_create(Pointer image, String snapName);

  int rbd_snap_remove(Pointer image, String snapName);

  int rbd_snap_protect(Pointer image, String snapName);

  int rbd_snap_unprotect(Pointer image, String snapName);

  int rbd_snap_is_protected(Pointer image, String snapName, int[] isProtected);

  int rbd_snap_rollback(Pointer image, String snapName);

  int rbd_snap_set(Pointer image, String snapName);

  int rbd_get_overlap(Pointer image, LongByReference overlap);
}
