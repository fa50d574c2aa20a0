package io.cephflow.ceph.librbd;

import com.sun.jna.ptr.LongByReference;
import io.cephflow.ceph.ImageFeature;
import io.cephflow.ceph.ImageSpec;
import io.cephflow.ceph.Progress;
import io.cephflow.ceph.RbdClones;
import io.cephflow.ceph.RbdException;
import io.cephflow.ceph.RbdNames;
import io.cephflow.workflows.common.RbdRef;
import io.cephflow.workflows.common.SnapRef;
import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

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

  @Override
  public void flatten(RbdRef ref, Progress progress) {
    RbdNames.check(ref);
    try (var pool = cluster.pool(ref.pool());
        var image = Image.open(pool, ref)) {
      if (LibrbdImages.parentOf(image).isEmpty()) return;
      // librbd counts objects; progress is in bytes of the image, as for every other step
      var stat = LibrbdImages.stat(image);
      long objectSize = stat.objectSize(), size = stat.sizeBytes();
      RbdNative.ProgressFn cb =
          (offset, total, arg) -> {
            progress.update(Math.min(size, offset * objectSize), size);
            return 0;
          };
      int rc = RBD.rbd_flatten_with_progress(image.ptr(), cb, null);
      // JNA frees a callback's native stub once the Java object is unreachable, and nothing
      // after the call reads cb: without the fence the GC may free it while librbd still calls it
      Reference.reachabilityFence(cb);
      if (Errno.of(rc) == Errno.EINVAL && LibrbdImages.parentOf(image).isEmpty())
        return; // flattened meanwhile
      Check.rc(rc, "flatten " + ref);
    }
  }
}
