package io.cephflow.libvirt;

import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import org.libvirt.Connect;
import org.libvirt.LibvirtException;
import org.libvirt.jna.Libvirt;

/**
 * One shared {@link Connect} per URI for the whole process (a virConnect is thread-safe and opening
 * one costs a round trip plus, for ssh, a process). Callers hold a connection between {@link
 * #acquire} and {@link #release}. A connection found dead, or {@link #invalidate}d after an RPC
 * failure, is replaced for the next caller at once but closed only when its last holder releases
 * it: virConnectClose frees the client that a call still running on another thread reads (closing
 * it at once was a use after free in libvirt whenever two calls saw the daemon go). Retrying the
 * failed call is Temporal's job, not ours.
 */
final class LibvirtConnections {
  // libvirt prints every error to stderr unless a handler is installed. The callback
  // must stay strongly reachable: JNA would otherwise free the native stub under libvirt.
  private static final Libvirt.VirErrorCallback QUIET = (userData, error) -> {};

  /** A connection and how many callers hold it; guarded by {@link #OPEN}. */
  private static final class Shared {
    final Connect connect;
    int holders;
    boolean retired;

    Shared(Connect connect) {
      this.connect = connect;
    }
  }

  private static final Map<String, Shared> OPEN = new HashMap<>();
  private static final Map<Connect, Shared> HELD = new IdentityHashMap<>();

  static {
    try {
      Connect.setErrorCallback(QUIET);
    } catch (LibvirtException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private LibvirtConnections() {}

  /** The live connection to {@code uri}, opened if needed; the caller must {@link #release} it. */
  static Connect acquire(String uri) {
    synchronized (OPEN) {
      Shared s = OPEN.get(uri);
      if (s != null && !alive(s.connect)) {
        retire(uri, s);
        s = null;
      }
      if (s == null) {
        s = new Shared(open(uri));
        OPEN.put(uri, s);
        HELD.put(s.connect, s);
      }
      s.holders++;
      return s.connect;
    }
  }

  /** Ends a hold; a retired connection is closed when its last holder lets go. */
  static void release(Connect c) {
    synchronized (OPEN) {
      Shared s = HELD.get(c);
      if (s == null) return;
      s.holders--;
      if (s.retired && s.holders <= 0) close(s);
    }
  }

  /**
   * The next caller gets a new connection (after an RPC failure); {@code broken} is closed once no
   * one holds it.
   */
  static void invalidate(String uri, Connect broken) {
    synchronized (OPEN) {
      Shared s = OPEN.get(uri);
      if (s != null && s.connect == broken) retire(uri, s);
    }
  }

  static boolean alive(Connect c) {
    try {
      return c.isAlive();
    } catch (LibvirtException e) {
      return false;
    }
  }

  private static Connect open(String uri) {
    try {
      return new Connect(uri, false);
    } catch (LibvirtException e) {
      throw new HypervisorUnreachableException(
          "cannot connect to "
              + uri
              + ": "
              + (e.getError() != null ? e.getError().getMessage() : e.getMessage()),
          e);
    }
  }

  private static void retire(String uri, Shared s) {
    OPEN.remove(uri);
    s.retired = true;
    if (s.holders <= 0) close(s);
  }

  private static void close(Shared s) {
    HELD.remove(s.connect);
    try {
      s.connect.close();
    } catch (LibvirtException ignored) {
      // already broken; nothing more to release
    }
  }
}
