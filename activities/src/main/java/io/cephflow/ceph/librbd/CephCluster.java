package io.cephflow.ceph.librbd;

import com.ceph.rados.IoCTX;
import com.ceph.rados.Rados;
import com.ceph.rados.exceptions.RadosException;
import io.cephflow.ceph.CephConfig;
import io.cephflow.ceph.RbdException;

/**
 * The one long-lived cluster handle of a process (librados is thread-safe); pool handles are
 * opened per operation through {@link #pool}.
 *
 * <p>librbd runs without its client cache and with zero-copy aio writes: we stream whole images
 * and never serve a guest, so the cache buys nothing, and with it on (or with zero-copy off, the
 * default) librbd copies every buffer we write. {@link LibrbdStreams} never touches a buffer
 * before its write has completed, which is what zero-copy requires. Measured in
 * docs/benchmarks.md.
 */
public final class CephCluster implements AutoCloseable {
  private final Rados rados;
  private final String clientId;

  private CephCluster(Rados rados, String clientId) {
    this.rados = rados;
    this.clientId = clientId;
  }

  public static CephCluster connect(CephConfig config) {
    Rados rados = new Rados(config.clientId());
    try {
      rados.confReadFile(config.confFile().toFile());
      if (config.keyring() != null) rados.confSet("keyring", config.keyring().toString());
      rados.confSet("client_mount_timeout", Long.toString(config.mountTimeout().toSeconds()));
      rados.confSet("rados_mon_op_timeout", Long.toString(config.mountTimeout().toSeconds()));
      rados.confSet("rados_osd_op_timeout", Long.toString(config.osdOpTimeout().toSeconds()));
      rados.confSet("rbd_cache", "false");
      rados.confSet("rbd_disable_zero_copy_writes", "false");
      rados.connect();
      return new CephCluster(rados, config.clientId());
    } catch (RadosException e) {
      rados.shutDown();
      throw translate(e, "connect to ceph as client." + config.clientId() + " using " + config.confFile());
    }
  }

  public String clientId() {
    return clientId;
  }

  /** Opens a pool context; the caller closes it (try-with-resources). */
  public Pool pool(String name) {
    try {
      return new Pool(rados, rados.ioCtxCreate(name), name);
    } catch (RadosException e) {
      throw translate(e, "open pool " + name);
    }
  }

  /**
   * A configuration value as librados has it (ceph.conf, the environment, what the monitors
   * handed over): {@code mon_host}, say, without parsing ceph.conf ourselves.
   */
  public String conf(String option) {
    try {
      return rados.confGet(option);
    } catch (RadosException e) {
      throw translate(e, "read configuration option " + option);
    }
  }

  public String fsid() {
    try {
      return rados.clusterFsid();
    } catch (RadosException e) {
      throw translate(e, "read cluster fsid");
    }
  }

  static RbdException translate(RadosException e, String what) {
    return RbdException.fromErrno(e.getReturnValue() == 0 ? -5 : e.getReturnValue(),
        what + " (" + e.getMessage() + ")");
  }

  @Override
  public void close() {
    rados.shutDown();
  }

  /** A pool context; closing it destroys the librados ioctx. */
  public static final class Pool implements AutoCloseable {
    private final Rados rados;
    private final IoCTX ioctx;
    private final String name;

    Pool(Rados rados, IoCTX ioctx, String name) {
      this.rados = rados;
      this.ioctx = ioctx;
      this.name = name;
    }

    public com.sun.jna.Pointer ptr() {
      return ioctx.getPointer();
    }

    public String name() {
      return name;
    }

    /** The names of the objects in {@code namespace} of this pool (the context stays in that namespace). */
    public String[] objects(String namespace) {
      ioctx.setNamespace(namespace);
      try {
        return ioctx.listObjects();
      } catch (RadosException e) {
        throw translate(e, "list objects of " + name + " in namespace " + namespace);
      }
    }

    @Override
    public void close() {
      rados.ioCtxDestroy(ioctx);
    }
  }
}
