package io.cephflow.libvirt;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.libvirt.Connect;
import org.libvirt.LibvirtException;
import org.libvirt.jna.Libvirt;

/**
 * One shared {@link Connect} per URI for the whole process (a virConnect is thread-safe and opening
 * one costs a round trip plus, for ssh, a process). A connection found dead is replaced on the next
 * use; retrying the failed call is Temporal's job, not ours.
 */
final class LibvirtConnections {
  // libvirt prints every error to stderr unless a handler is installed. The callback
  // must stay strongly reachable: JNA would otherwise free the native stub under libvirt.
  private static final Libvirt.VirErrorCallback QUIET = (userData, error) -> {};
  private static final Map<String, Connect> OPEN = new ConcurrentHashMap<>();

  static {
    try {
      Connect.setErrorCallback(QUIET);
    } catch (LibvirtException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private LibvirtConnections() {}

  static Connect get(String uri) {
    Connect c = OPEN.get(uri);
    if (c != null && alive(c)) {
      return c;
    }
    synchronized (OPEN) {
      c = OPEN.get(uri);
      if (c != null && alive(c)) {
        return c;
      }
      if (c != null) {
        closeQuietly(c);
        OPEN.remove(uri);
      }
      try {
        c = new Connect(uri, false);
      } catch (LibvirtException e) {
        throw new HypervisorUnreachableException(
            "cannot connect to "
                + uri
                + ": "
                + (e.getError() != null ? e.getError().getMessage() : e.getMessage()),
            e);
      }
      OPEN.put(uri, c);
      return c;
    }
  }

  /** Drops the cached connection so the next call reconnects (after an RPC failure). */
  static void invalidate(String uri, Connect broken) {
    if (OPEN.remove(uri, broken)) {
      closeQuietly(broken);
    }
  }

  static boolean alive(Connect c) {
    try {
      return c.isAlive();
    } catch (LibvirtException e) {
      return false;
    }
  }

  private static void closeQuietly(Connect c) {
    try {
      c.close();
    } catch (LibvirtException ignored) {
      // already broken; nothing more to release
    }
  }
}
