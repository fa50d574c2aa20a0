package io.cephflow.ceph.librbd;

import io.cephflow.ceph.RbdException;

/** Turns librbd return codes into {@link RbdException}s, in one place. */
final class Check {
  private Check() {}

  static long rc(long rc, String what) {
    if (rc < 0) throw RbdException.fromErrno((int) rc, what);
    return rc;
  }

  /** Like {@link #rc} but "not found" is success (idempotent deletes). */
  static boolean rcOrMissing(long rc, String what) {
    if (Errno.of(rc) == Errno.ENOENT) return false;
    rc(rc, what);
    return true;
  }

  /** Splits a buffer of NUL-terminated strings as librbd returns them. */
  static java.util.List<String> strings(byte[] buf, long len) {
    java.util.List<String> out = new java.util.ArrayList<>();
    int start = 0;
    for (int i = 0; i < len; i++) {
      if (buf[i] == 0) {
        if (i > start)
          out.add(new String(buf, start, i - start, java.nio.charset.StandardCharsets.UTF_8));
        start = i + 1;
      }
    }
    return out;
  }

  static String cString(byte[] buf) {
    int n = 0;
    while (n < buf.length && buf[n] != 0) n++;
    return new String(buf, 0, n, java.nio.charset.StandardCharsets.UTF_8);
  }
}
