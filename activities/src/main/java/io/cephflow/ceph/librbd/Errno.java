package io.cephflow.ceph.librbd;

/**
 * The errno values the adapter branches on, named once: librbd and librados return {@code -errno}.
 * Anything else is {@link #OTHER} (and a non-negative return is {@link #OK}).
 */
enum Errno {
  OK(0),
  ENOENT(2),
  EBUSY(16),
  EEXIST(17),
  EINVAL(22),
  ERANGE(34),
  ENODATA(61),
  ECANCELED(125),
  OTHER(-1);

  private final int value;

  Errno(int value) {
    this.value = value;
  }

  /** The errno of a librbd/librados return code. */
  static Errno of(long rc) {
    if (rc >= 0) return OK;
    for (Errno e : values()) if (e.value == -rc) return e;
    return OTHER;
  }

  /** The return code librbd/librados use for this errno. */
  int rc() {
    return -value;
  }
}
