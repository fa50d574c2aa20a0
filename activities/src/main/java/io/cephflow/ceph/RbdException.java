package io.cephflow.ceph;

import java.util.List;

/**
 * A librbd/librados failure, translated once from errno at the boundary into a small set of named
 * kinds. The workflow layer maps kinds to retryable or non-retryable failures.
 */
public class RbdException extends RuntimeException {
  /** Named failure kinds; {@link #OTHER} keeps the errno for the log. */
  public enum Kind {
    NOT_FOUND,
    EXISTS,
    BUSY,
    HAS_SNAPSHOTS,
    PERMISSION_DENIED,
    NO_SPACE,
    TIMED_OUT,
    INVALID,
    OTHER
  }

  private final Kind kind;
  private final int errno;
  private final List<String> holders;

  public RbdException(Kind kind, int errno, String message, List<String> holders) {
    super(message);
    this.kind = kind;
    this.errno = errno;
    this.holders = List.copyOf(holders);
  }

  public RbdException(Kind kind, String message) {
    this(kind, 0, message, List.of());
  }

  public Kind kind() {
    return kind;
  }

  public int errno() {
    return errno;
  }

  /** For BUSY: the clones or watchers that hold the resource, when known. */
  public List<String> holders() {
    return holders;
  }

  /** Translates a negative librbd return code; {@code what} says which call on which object. */
  public static RbdException fromErrno(int rc, String what) {
    int errno = Math.abs(rc);
    Kind kind =
        switch (errno) {
          case 2 -> Kind.NOT_FOUND; // ENOENT
          case 17 -> Kind.EXISTS; // EEXIST
          case 16 -> Kind.BUSY; // EBUSY
          case 39 -> Kind.HAS_SNAPSHOTS; // ENOTEMPTY: rbd_remove on an image with snapshots
          case 1, 13 -> Kind.PERMISSION_DENIED; // EPERM, EACCES
          case 28, 122 -> Kind.NO_SPACE; // ENOSPC, EDQUOT
          case 110, 108 -> Kind.TIMED_OUT; // ETIMEDOUT, ESHUTDOWN
          case 22, 34, 95 -> Kind.INVALID; // EINVAL, ERANGE, EOPNOTSUPP
          default -> Kind.OTHER;
        };
    return new RbdException(kind, errno, what + ": " + describe(errno), List.of());
  }

  static String describe(int errno) {
    return switch (errno) {
      case 1 -> "operation not permitted (EPERM)";
      case 2 -> "not found (ENOENT)";
      case 13 -> "permission denied (EACCES)";
      case 16 -> "busy (EBUSY)";
      case 17 -> "already exists (EEXIST)";
      case 22 -> "invalid argument (EINVAL)";
      case 28 -> "no space left (ENOSPC)";
      case 39 -> "has snapshots (ENOTEMPTY)";
      case 110 -> "timed out (ETIMEDOUT)";
      default -> "errno " + errno;
    };
  }

  public static RbdException busy(String message, List<String> holders) {
    return new RbdException(Kind.BUSY, 16, message, holders);
  }

  public static RbdException conflict(String message) {
    return new RbdException(Kind.EXISTS, 17, message, List.of());
  }
}
