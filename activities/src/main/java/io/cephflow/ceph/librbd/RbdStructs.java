package io.cephflow.ceph.librbd;

import com.sun.jna.Pointer;
import com.sun.jna.Structure;

/**
 * librbd's C structs as JNA {@link Structure}s, field by field as in {@code librbd.h} (JNA lays
 * them out with the C alignment rules), instead of reads at hand-counted offsets.
 */
final class RbdStructs {
  private RbdStructs() {}

  /**
   * {@code rbd_image_info_t}; the last three fields are deprecated but still part of the layout.
   */
  @Structure.FieldOrder({
    "size",
    "obj_size",
    "num_objs",
    "order",
    "block_name_prefix",
    "parent_pool",
    "parent_name"
  })
  public static final class ImageInfo extends Structure {
    public long size;
    public long obj_size;
    public long num_objs;
    public int order;
    public byte[] block_name_prefix = new byte[24]; // RBD_MAX_BLOCK_NAME_SIZE
    public long parent_pool;
    public byte[] parent_name = new byte[96]; // RBD_MAX_IMAGE_NAME_SIZE

    int offsetOf(String field) {
      return fieldOffset(field);
    }
  }

  /**
   * {@code rbd_snap_info_t}: an element of the array rbd_snap_list fills (names freed by
   * rbd_snap_list_end).
   */
  @Structure.FieldOrder({"id", "size", "name"})
  public static final class SnapInfo extends Structure {
    public long id;
    public long size;
    public Pointer name;

    public SnapInfo() {}

    public SnapInfo(Pointer p) {
      super(p);
    }

    int offsetOf(String field) {
      return fieldOffset(field);
    }
  }
}
