package io.cephflow.ceph.librbd;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.LongByReference;
import io.cephflow.ceph.ImageFeature;
import io.cephflow.ceph.ImageSpec;
import io.cephflow.ceph.Progress;
import io.cephflow.ceph.RbdClones;
import io.cephflow.ceph.RbdException;
import io.cephflow.ceph.RbdNames;
import io.cephflow.workflows.common.RbdRef;
import io.cephflow.workflows.common.SnapRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** {@link RbdClones} over librbd. */
public final class LibrbdClones implements RbdClones {
  private static final RbdNative RBD = RbdNative.INSTANCE;
  private static final int MAX_DEPTH = 64;
  private static final int CHILDREN_ATTEMPTS = 10;
  private final CephCluster cluster;

  public LibrbdClones(CephCluster cluster) {
    this.cluster = cluster;
  }

  @Override
  public void clone(SnapRef parent, RbdRef child, ImageSpec childSpec) {
    RbdNames.check(parent);
    RbdNames.check(child);
    int rc;
    try (var parentPool = cluster.pool(parent.image().pool());
        var childPool = cluster.pool(child.pool())) {
      rc =
          RBD.rbd_clone2(
              parentPool.ptr(),
              parent.image().image(),
              parent.snapshot(),
              childPool.ptr(),
              child.image(),
              ImageFeature.mask(childSpec.features()),
              new int[] {0},
              0,
              0);
    }
    if (Errno.of(rc) == Errno.EEXIST) {
      Optional<SnapRef> existing = parent(child);
      if (existing.isPresent() && existing.get().equals(parent)) return;
      throw RbdException.conflict(
          "image "
              + child
              + " exists and is not a clone of "
              + parent
              + " (its parent: "
              + existing.map(Object::toString).orElse("none")
              + ")");
    }
    if (Errno.of(rc) == Errno.EINVAL) {
      throw new RbdException(
          RbdException.Kind.INVALID,
          22,
          "clone "
              + parent
              + " -> "
              + child
              + ": invalid argument (is the snapshot protected? clone v1 needs protection)",
          List.of());
    }
    Check.rc(rc, "clone " + parent + " -> " + child);
  }

  @Override
  public List<RbdRef> children(SnapRef snap) {
    RbdNames.check(snap);
    // a separate read-only handle: listing children sets the handle's snapshot
    try (var pool = cluster.pool(snap.image().pool());
        var image = Image.open(pool, snap.image(), snap.snapshot(), true)) {
      for (int attempt = 1; ; attempt++) {
        try {
          return children(image, snap);
        } catch (RbdException e) {
          // ENOENT with the snapshot open: a child went away between librbd's listing and its
          // lookup of that child's name (a clone removed meanwhile); list again
          if (e.kind() != RbdException.Kind.NOT_FOUND || attempt == CHILDREN_ATTEMPTS) throw e;
        }
      }
    }
  }

  private static List<RbdRef> children(Image image, SnapRef snap) {
    byte[] pools = new byte[1024], images = new byte[4096];
    LongByReference poolsLen = new LongByReference(pools.length),
        imagesLen = new LongByReference(images.length);
    long rc;
    // ERANGE: librbd set both lengths to what it needs (more again if a clone came meanwhile)
    while (Errno.of(rc = RBD.rbd_list_children(image.ptr(), pools, poolsLen, images, imagesLen))
        == Errno.ERANGE) {
      pools = new byte[(int) poolsLen.getValue()];
      images = new byte[(int) imagesLen.getValue()];
    }
    Check.rc(rc, "list children of " + snap);
    List<String> p = Check.strings(pools, poolsLen.getValue());
    List<String> i = Check.strings(images, imagesLen.getValue());
    List<RbdRef> out = new ArrayList<>();
    for (int k = 0; k < Math.min(p.size(), i.size()); k++) out.add(new RbdRef(p.get(k), i.get(k)));
    return out;
  }

  @Override
  public Optional<SnapRef> parent(RbdRef ref) {
    RbdNames.check(ref);
    try (var pool = cluster.pool(ref.pool());
        var image = Image.open(pool, ref, null, true)) {
      return LibrbdImages.parentOf(image);
    }
  }

  @Override
  public int depth(RbdRef ref) {
    RbdNames.check(ref);
    int depth = 0;
    Optional<SnapRef> p = parent(ref);
    while (p.isPresent()) {
      if (++depth > MAX_DEPTH) {
        throw new RbdException(
            RbdException.Kind.INVALID, "clone chain of " + ref + " is deeper than " + MAX_DEPTH);
      }
      p = parent(p.get().image());
    }
    return depth;
  }

  /** The progress of the flattens in flight, by the id librbd hands back to the callback. */
  private static final ConcurrentHashMap<Long, Progress> FLATTENS = new ConcurrentHashMap<>();

  private static final AtomicLong FLATTEN_IDS = new AtomicLong();

  /**
   * One native callback for every flatten, for the life of the process. librbd calls it from its
   * own threads, and may still do so as the call returns; a callback made per call had its native
   * stub freed by the GC once the Java object was unreachable, and a late call then jumped into
   * freed memory. This one never goes away, and finds each flatten's progress by its id.
   */
  private static final RbdNative.ProgressFn FLATTEN_PROGRESS =
      (offset, total, arg) -> {
        Progress p = FLATTENS.get(Pointer.nativeValue(arg));
        if (p != null) p.update(offset, total);
        return 0;
      };

  @Override
  public void flatten(RbdRef ref, Progress progress) {
    RbdNames.check(ref);
    try (var pool = cluster.pool(ref.pool());
        var image = Image.open(pool, ref)) {
      if (LibrbdImages.parentOf(image).isEmpty()) return;
      // librbd counts objects; progress is in bytes of the image, as for every other step
      var stat = LibrbdImages.stat(image);
      long objectSize = stat.objectSize(), size = stat.sizeBytes();
      long id = FLATTEN_IDS.incrementAndGet();
      FLATTENS.put(
          id, (objects, total) -> progress.update(Math.min(size, objects * objectSize), size));
      int rc;
      try {
        rc = RBD.rbd_flatten_with_progress(image.ptr(), FLATTEN_PROGRESS, new Pointer(id));
      } finally {
        FLATTENS.remove(id); // a late update finds nothing and is dropped
      }
      if (Errno.of(rc) == Errno.EINVAL && LibrbdImages.parentOf(image).isEmpty())
        return; // flattened meanwhile
      Check.rc(rc, "flatten " + ref);
    }
  }
}
