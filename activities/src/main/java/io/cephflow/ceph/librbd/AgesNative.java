package io.cephflow.ceph.librbd;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.ptr.LongByReference;

/**
 * librbd's creation timestamps and trash listing (include/rbd/librbd.h, Pacific), kept apart from
 * {@link RbdNative} since only the auditor uses them. struct timespec is two longs (LP64).
 */
interface AgesNative extends Library {
  AgesNative INSTANCE = Native.load("rbd", AgesNative.class);

  int rbd_get_create_timestamp(Pointer image, long[] timespec);

  int rbd_snap_get_timestamp(Pointer image, long snapId, long[] timespec);

  /** -ERANGE with {@code num} set when the array is too small. */
  int rbd_trash_list(Pointer ioctx, TrashInfo entries, LongByReference num);

  void rbd_trash_list_cleanup(TrashInfo entries, long num);

  int rbd_trash_remove(Pointer ioctx, String id, int force);

  /**
   * rbd_trash_image_info_t. The names are Pointers, not Strings: JNA reads a structure back after
   * every call it is passed to, so String fields were read (strlen, copy) from the strings
   * rbd_trash_list_cleanup had just freed.
   */
  @Structure.FieldOrder({"id", "name", "source", "deletionTime", "defermentEndTime"})
  class TrashInfo extends Structure {
    public Pointer id;
    public Pointer name;
    public int source;
    public long deletionTime;
    public long defermentEndTime;
  }
}
