package io.cephflow.ceph.librbd;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import io.cephflow.workflows.common.RbdRef;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exclusive locks this process holds on an image header although none of its handles has the image
 * open. rbd_close releases the handle's exclusive lock with one OSD call; when that call meets a
 * dead OSD it times out ({@code rados_osd_op_timeout}) and the lock stays, owned by this
 * still-living client. librbd never breaks a lock whose owner is alive, so every later write of the
 * image from this process (a retry of the same step) waited for it for ever, heartbeating: found by
 * OsdOutageFaultIT. So the first writable handle of an image in this process releases such locks
 * first (check, then repair): with no handle of ours open, a lock of ours can only be stale. Locks
 * of other clients are librbd's business (it breaks a dead client's lock once its watch has
 * expired).
 */
final class StaleLocks {
  private static final Logger LOG = LoggerFactory.getLogger(StaleLocks.class);
  private static final RadosNative RADOS = RadosNative.INSTANCE;
  private static final RbdNative RBD = RbdNative.INSTANCE;

  /** librbd's exclusive lock on {@code rbd_header.<id>} (ManagedLock's name). */
  static final String LOCK_NAME = "rbd_lock";

  /**
   * Openers of one image take turns, so that the check never races a handle of ours taking the
   * lock.
   */
  private static final Object[] STRIPES = new Object[64];

  /** Writable handles of this process per image. */
  private static final ConcurrentHashMap<RbdRef, Integer> OPEN = new ConcurrentHashMap<>();

  static {
    for (int i = 0; i < STRIPES.length; i++) STRIPES[i] = new Object();
  }

  private StaleLocks() {}

  /**
   * Call right after a writable open: releases this client's stale locks when it is the only
   * handle.
   */
  static void opened(Pointer ioctx, Pointer image, RbdRef ref) {
    synchronized (stripe(ref)) {
      if (!OPEN.containsKey(ref)) release(ioctx, image, ref);
      OPEN.merge(ref, 1, Integer::sum);
    }
  }

  static void closed(RbdRef ref) {
    synchronized (stripe(ref)) {
      OPEN.computeIfPresent(ref, (k, n) -> n == 1 ? null : n - 1);
    }
  }

  private static void release(Pointer ioctx, Pointer image, RbdRef ref) {
    byte[] id = new byte[64];
    if (RBD.rbd_get_id(image, id, id.length) < 0) return; // format 1: no exclusive lock
    String header = "rbd_header." + Check.cString(id);
    String self = "client." + RADOS.rados_get_instance_id(RADOS.rados_ioctx_get_cluster(ioctx));
    for (String[] locker : lockers(ioctx, header)) {
      if (!locker[0].equals(self)) continue;
      int rc = RADOS.rados_unlock(ioctx, header, LOCK_NAME, locker[1]);
      if (rc < 0 && Errno.of(rc) != Errno.ENOENT)
        Check.rc(rc, "release the stale exclusive lock of " + ref);
      LOG.warn(
          "released a stale exclusive lock on {} ({} cookie '{}'): a close of an earlier handle of this "
              + "process could not release it (an OSD was unreachable)",
          ref,
          self,
          locker[1]);
    }
  }

  /** {client, cookie} of each holder of the header's lock. */
  private static List<String[]> lockers(Pointer ioctx, String header) {
    int size = 256;
    while (true) {
      byte[] tag = new byte[size],
          clients = new byte[size],
          cookies = new byte[size],
          addrs = new byte[size];
      LongByReference tagLen = new LongByReference(size), clientsLen = new LongByReference(size);
      LongByReference cookiesLen = new LongByReference(size), addrsLen = new LongByReference(size);
      long n =
          RADOS.rados_list_lockers(
              ioctx,
              header,
              LOCK_NAME,
              new IntByReference(),
              tag,
              tagLen,
              clients,
              clientsLen,
              cookies,
              cookiesLen,
              addrs,
              addrsLen);
      if (Errno.of(n) == Errno.ERANGE && size < (1 << 20)) {
        size *= 4;
        continue;
      }
      if (Errno.of(n) == Errno.ENOENT) return List.of();
      Check.rc(n, "list the lockers of " + header);
      List<String> c = Check.strings(clients, clientsLen.getValue());
      List<String> k = Check.strings(cookies, cookiesLen.getValue());
      return java.util.stream.IntStream.range(0, Math.min(c.size(), k.size()))
          .mapToObj(i -> new String[] {c.get(i), k.get(i)})
          .toList();
    }
  }

  private static Object stripe(RbdRef ref) {
    return STRIPES[Math.floorMod(ref.hashCode(), STRIPES.length)];
  }
}
