package io.cephflow.ceph.librbd;

import com.ceph.rados.IoCTX;
import com.ceph.rados.Rados;
import com.ceph.rados.exceptions.RadosException;
import io.cephflow.ceph.CephConfig;
import io.cephflow.ceph.RbdException;
import java.time.Duration;
import org.slf4j.LoggerFactory;

/**
 * The one long-lived cluster handle of a process (librados is thread-safe); pool handles are opened
 * per operation through {@link #pool}.
 *
 * <p>librbd runs without its client cache and with zero-copy aio writes: we stream whole images and
 * never serve a guest, so the cache buys nothing, and with it on (or with zero-copy off, the
 * default) librbd copies every buffer we write. {@link LibrbdStreams} never touches a buffer before
 * its write has completed, which is what zero-copy requires. Measured in docs/benchmarks.md.
 *
 * <p>{@link #close} never shuts librados down under a call in flight: rados_shutdown frees the
 * client that every open ioctx and image points into, so a pool context or image still in use then
 * reads freed memory (the JVM dies in librbd, or on an Objecter assert). That happened to
 * activities still running when a worker's drain ended (native calls ignore the interrupt) and to
 * an API read racing the API's close. So close refuses new pool contexts at once, waits up to
 * {@link #CLOSE_WAIT} for the open ones, and if some are still open leaks the handle instead.
 */
public final class CephCluster implements AutoCloseable {
  static {
    NativeLibraries.load(); // before any librados call: see there why on a thread of its own
  }

  static final Duration CLOSE_WAIT = Duration.ofSeconds(10);
  private static final int ESHUTDOWN = 108;
  private final CephConfig config;
  private final String clientId;
  private final Duration closeWait;

  /** The connected handle; null until a connect succeeded. */
  private volatile Rados rados;

  /** Guards connecting; when the last failed attempt ended and how. */
  private final Object connectLock = new Object();

  private long lastFailureAt;
  private RbdException lastFailure;

  /** Pool contexts open now and whether close has begun; guarded by {@code this}. */
  private int inUse;

  private boolean closing;
  private boolean gaveUp;
  private volatile boolean shutDown;

  private CephCluster(CephConfig config, Duration closeWait) {
    this.config = config;
    this.clientId = config.clientId();
    this.closeWait = closeWait;
  }

  /** Connects now; fails if the monitors do not answer within the mount timeout. */
  public static CephCluster connect(CephConfig config) {
    return connect(config, CLOSE_WAIT);
  }

  /** As {@link #connect(CephConfig)}, with how long {@link #close} waits for calls in flight. */
  public static CephCluster connect(CephConfig config, Duration closeWait) {
    CephCluster c = new CephCluster(config, closeWait);
    c.connected();
    return c;
  }

  /**
   * A handle that connects on first use and, while the monitors cannot be reached, again on each
   * later use (every attempt reads the configuration file again): a worker starts, reports not
   * ready and recovers by itself, instead of failing its start when a monitor is down. Reads the
   * configuration once now, so a missing or unreadable file still fails at once.
   */
  public static CephCluster lazy(CephConfig config) {
    CephCluster c = new CephCluster(config, CLOSE_WAIT);
    configured(config).shutDown();
    return c;
  }

  /** Whether a connect has succeeded. */
  public boolean isConnected() {
    return rados != null;
  }

  /**
   * The connected handle, connecting first if no attempt has succeeded yet. Callers that waited
   * while another attempt failed get that failure rather than a new wait of the mount timeout.
   */
  private Rados connected() {
    Rados r = rados;
    if (r != null) return r;
    long asked = System.nanoTime();
    synchronized (connectLock) {
      if (rados != null) return rados;
      if (lastFailure != null && lastFailureAt - asked > 0) {
        throw new RbdException(
            lastFailure.kind(), lastFailure.errno(), lastFailure.getMessage(), java.util.List.of());
      }
      Rados fresh = configured(config);
      try {
        fresh.connect();
        rados = fresh;
        lastFailure = null;
        LoggerFactory.getLogger(CephCluster.class)
            .info("client.{} connected to the cluster", clientId);
        return fresh;
      } catch (RadosException e) {
        fresh.shutDown();
        lastFailure =
            translate(e, "connect to ceph as client." + clientId + " using " + config.confFile());
        lastFailureAt = System.nanoTime();
        throw lastFailure;
      }
    }
  }

  private static Rados configured(CephConfig config) {
    Rados rados = new Rados(config.clientId());
    try {
      rados.confReadFile(config.confFile().toFile());
      if (config.keyring() != null) rados.confSet("keyring", config.keyring().toString());
      rados.confSet("client_mount_timeout", Long.toString(config.mountTimeout().toSeconds()));
      rados.confSet("rados_mon_op_timeout", Long.toString(config.mountTimeout().toSeconds()));
      rados.confSet("rados_osd_op_timeout", Long.toString(config.osdOpTimeout().toSeconds()));
      rados.confSet("rbd_cache", "false");
      rados.confSet("rbd_disable_zero_copy_writes", "false");
      return rados;
    } catch (RadosException e) {
      rados.shutDown();
      throw translate(
          e,
          "read the ceph configuration " + config.confFile() + " for client." + config.clientId());
    }
  }

  public String clientId() {
    return clientId;
  }

  /**
   * Opens a pool context; the caller closes it (try-with-resources). Refused with an {@link
   * RbdException} of kind TIMED_OUT (ESHUTDOWN) once {@link #close} has begun.
   */
  public Pool pool(String name) {
    enter("open pool " + name);
    try {
      return new Pool(this, connected().ioCtxCreate(name), name);
    } catch (RadosException e) {
      leave();
      throw translate(e, "open pool " + name);
    } catch (RuntimeException e) {
      leave();
      throw e;
    }
  }

  /**
   * A configuration value as librados has it (ceph.conf, the environment, what the monitors handed
   * over): {@code mon_host}, say, without parsing ceph.conf ourselves.
   */
  public String conf(String option) {
    Rados r = rados;
    Rados read = r != null ? r : configured(config); // not connected yet: the file's value
    try {
      return read.confGet(option);
    } catch (RadosException e) {
      throw translate(e, "read configuration option " + option);
    } finally {
      if (read != r) read.shutDown();
    }
  }

  public String fsid() {
    enter("read cluster fsid");
    try {
      return connected().clusterFsid();
    } catch (RadosException e) {
      throw translate(e, "read cluster fsid");
    } finally {
      leave();
    }
  }

  private synchronized void enter(String what) {
    if (closing) throw RbdException.fromErrno(-ESHUTDOWN, what + ": the cluster handle is closed");
    inUse++;
  }

  private synchronized void leave() {
    if (--inUse > 0) return;
    notifyAll();
    if (closing && gaveUp) shutDown(); // close stopped waiting: the last one out shuts down
  }

  static RbdException translate(RadosException e, String what) {
    return RbdException.fromErrno(
        e.getReturnValue() == 0 ? -5 : e.getReturnValue(), what + " (" + e.getMessage() + ")");
  }

  /**
   * Shuts librados down once no pool context is open, waiting up to the close wait; if some still
   * are then, returns and leaves the shutdown to the last of them to close (a call stuck in librbd
   * for good leaks the handle, which beats a crash). Idempotent.
   */
  @Override
  public synchronized void close() {
    if (closing) return;
    closing = true;
    long deadline = System.nanoTime() + closeWait.toNanos();
    try {
      for (long left = closeWait.toNanos();
          inUse > 0 && left > 0;
          left = deadline - System.nanoTime()) {
        wait(Math.max(1, left / 1_000_000));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (inUse > 0) {
      gaveUp = true;
      LoggerFactory.getLogger(CephCluster.class)
          .warn(
              "client.{}: {} pool contexts still in use after {} (calls "
                  + "still running in librados/librbd): librados is shut down when the last one closes",
              clientId,
              inUse,
              closeWait);
      return;
    }
    shutDown();
  }

  private synchronized void shutDown() {
    synchronized (connectLock) { // after an attempt in progress, so its handle is shut down too
      Rados r = rados;
      if (r != null) r.shutDown();
    }
    shutDown = true;
  }

  /** Whether {@link #close} shut librados down (false while open, or when it had to leak it). */
  boolean isShutDown() {
    return shutDown;
  }

  /**
   * A pool context; closing it destroys the librados ioctx (once: closing again does nothing).
   * Close every image opened from it first: an open image points into its ioctx.
   */
  public static final class Pool implements AutoCloseable {
    private final CephCluster cluster;
    private final IoCTX ioctx;
    private final String name;
    private boolean closed;

    Pool(CephCluster cluster, IoCTX ioctx, String name) {
      this.cluster = cluster;
      this.ioctx = ioctx;
      this.name = name;
    }

    public com.sun.jna.Pointer ptr() {
      return ioctx.getPointer();
    }

    public String name() {
      return name;
    }

    /**
     * The names of the objects in {@code namespace} of this pool (the context stays in that
     * namespace).
     */
    public String[] objects(String namespace) {
      ioctx.setNamespace(namespace);
      try {
        return ioctx.listObjects();
      } catch (RadosException e) {
        throw translate(e, "list objects of " + name + " in namespace " + namespace);
      }
    }

    @Override
    public synchronized void close() {
      if (closed) return;
      closed = true;
      cluster.rados.ioCtxDestroy(ioctx); // a pool exists only on a connected handle
      cluster.leave();
    }
  }
}
