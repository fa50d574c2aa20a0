package io.cephflow.ceph.librbd;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * The librados calls rados-java 0.6.0 does not bind: compound write operations (exclusive create,
 * compare-and-set on an xattr) and namespaces. Signatures from include/rados/librados.h (Pacific);
 * size_t is long (LP64 only).
 */
interface RadosNative extends Library {
  RadosNative INSTANCE = Native.load("rados", RadosNative.class);

  int LIBRADOS_CREATE_EXCLUSIVE = 1;
  byte LIBRADOS_CMPXATTR_OP_EQ = 1;
  int LIBRADOS_OPERATION_NOFLAG = 0;

  Pointer rados_create_write_op();

  void rados_release_write_op(Pointer op);

  void rados_write_op_create(Pointer op, int exclusive, String category);

  void rados_write_op_assert_exists(Pointer op);

  void rados_write_op_cmpxattr(
      Pointer op, String name, byte comparison, byte[] value, long valueLen);

  void rados_write_op_remove(Pointer op);

  void rados_write_op_setxattr(Pointer op, String name, byte[] value, long valueLen);

  int rados_write_op_operate(Pointer op, Pointer ioctx, String oid, Pointer mtime, int flags);

  int rados_getxattr(Pointer ioctx, String oid, String name, byte[] buf, long len);

  void rados_ioctx_set_namespace(Pointer ioctx, String namespace);

  /** The rados_t an ioctx belongs to. */
  Pointer rados_ioctx_get_cluster(Pointer ioctx);

  /** This client's global id: the N of {@code client.N}, its name in locks and watches. */
  long rados_get_instance_id(Pointer cluster);

  /**
   * The holders of an advisory (cls) lock: the count, or a negative errno (-ERANGE: buffers too
   * small).
   */
  long rados_list_lockers(
      Pointer ioctx,
      String oid,
      String name,
      com.sun.jna.ptr.IntByReference exclusive,
      byte[] tag,
      com.sun.jna.ptr.LongByReference tagLen,
      byte[] clients,
      com.sun.jna.ptr.LongByReference clientsLen,
      byte[] cookies,
      com.sun.jna.ptr.LongByReference cookiesLen,
      byte[] addrs,
      com.sun.jna.ptr.LongByReference addrsLen);

  /** Releases a lock this client holds under {@code cookie}; -ENOENT if it holds none. */
  int rados_unlock(Pointer ioctx, String oid, String name, String cookie);
}
