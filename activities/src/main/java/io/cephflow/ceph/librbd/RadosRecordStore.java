package io.cephflow.ceph.librbd;

import com.sun.jna.Pointer;
import io.cephflow.ceph.RbdException;
import io.cephflow.ceph.RecordStore;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * {@link RecordStore} over RADOS: one object per key in the namespace {@value #NAMESPACE} of the
 * pool (apart from RBD's own objects, so {@code rbd ls} and {@code rados ls} of the default
 * namespace never show them), the value in the xattr {@value #XATTR}. Create is an exclusive create
 * plus setxattr in one write op; replace a cmpxattr plus setxattr in one write op: the OSD applies
 * each op atomically. As ceph-csi keeps its journal in omaps, and for the same reason: the record
 * lives with the data, in the cluster that holds it.
 */
public final class RadosRecordStore implements RecordStore {
  public static final String NAMESPACE = "cephflow";
  static final String XATTR = "cephflow.record";

  /** Records are a few hundred bytes; a value this large is refused rather than cut. */
  static final int MAX_VALUE = 64 * 1024;

  private final CephCluster cluster;
  private final String namespace;
  private final RadosNative rados = RadosNative.INSTANCE;

  /** The resource records, in namespace {@value #NAMESPACE}. */
  public RadosRecordStore(CephCluster cluster) {
    this(cluster, NAMESPACE);
  }

  /** Records of another kind, in a namespace of their own. */
  public RadosRecordStore(CephCluster cluster, String namespace) {
    this.cluster = cluster;
    this.namespace = namespace;
  }

  @Override
  public Optional<String> read(String pool, String key) {
    try (CephCluster.Pool p = open(pool)) {
      byte[] buf = new byte[MAX_VALUE];
      int rc = rados.rados_getxattr(p.ptr(), key, XATTR, buf, buf.length);
      if (Errno.of(rc) == Errno.ENOENT || Errno.of(rc) == Errno.ENODATA) return Optional.empty();
      if (rc < 0) throw RbdException.fromErrno(rc, "read record " + pool + "/" + key);
      if (rc >= buf.length)
        throw RbdException.fromErrno(-34, "record " + pool + "/" + key + " is too large");
      return Optional.of(new String(Arrays.copyOf(buf, rc), StandardCharsets.UTF_8));
    }
  }

  @Override
  public boolean create(String pool, String key, String value) {
    return operate(
        pool,
        key,
        "create",
        op -> {
          rados.rados_write_op_create(op, RadosNative.LIBRADOS_CREATE_EXCLUSIVE, null);
          setValue(op, value);
        },
        Errno.EEXIST);
  }

  @Override
  public boolean replace(String pool, String key, String expected, String value) {
    byte[] old = expected.getBytes(StandardCharsets.UTF_8);
    return operate(
        pool,
        key,
        "replace",
        op -> {
          rados.rados_write_op_assert_exists(op);
          rados.rados_write_op_cmpxattr(
              op, XATTR, RadosNative.LIBRADOS_CMPXATTR_OP_EQ, old, old.length);
          setValue(op, value);
        },
        Errno.ECANCELED);
  }

  @Override
  public java.util.List<String> keys(String pool) {
    try (CephCluster.Pool p = cluster.pool(pool)) {
      return java.util.List.of(p.objects(namespace));
    }
  }

  @Override
  public boolean remove(String pool, String key, String expected) {
    byte[] old = expected.getBytes(StandardCharsets.UTF_8);
    return operate(
        pool,
        key,
        "remove",
        op -> {
          rados.rados_write_op_assert_exists(op);
          rados.rados_write_op_cmpxattr(
              op, XATTR, RadosNative.LIBRADOS_CMPXATTR_OP_EQ, old, old.length);
          rados.rados_write_op_remove(op);
        },
        Errno.ECANCELED);
  }

  private void setValue(Pointer op, String value) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    if (bytes.length >= MAX_VALUE)
      throw new IllegalArgumentException("a record holds at most " + MAX_VALUE + " bytes");
    rados.rados_write_op_setxattr(op, XATTR, bytes, bytes.length);
  }

  private interface OpBuilder {
    void build(Pointer op);
  }

  /**
   * Runs one compound write; false when it failed with {@code refused} (the condition did not
   * hold).
   */
  private boolean operate(String pool, String key, String what, OpBuilder builder, Errno refused) {
    try (CephCluster.Pool p = open(pool)) {
      Pointer op = rados.rados_create_write_op();
      if (op == null) throw RbdException.fromErrno(-12, what + " record " + pool + "/" + key);
      try {
        builder.build(op);
        int rc =
            rados.rados_write_op_operate(
                op, p.ptr(), key, null, RadosNative.LIBRADOS_OPERATION_NOFLAG);
        if (Errno.of(rc) == refused) return false;
        if (rc < 0) throw RbdException.fromErrno(rc, what + " record " + pool + "/" + key);
        return true;
      } finally {
        rados.rados_release_write_op(op);
      }
    }
  }

  private CephCluster.Pool open(String pool) {
    CephCluster.Pool p = cluster.pool(pool);
    rados.rados_ioctx_set_namespace(p.ptr(), namespace);
    return p;
  }
}
