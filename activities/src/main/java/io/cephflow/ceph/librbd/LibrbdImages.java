package io.cephflow.ceph.librbd;

import com.sun.jna.ptr.LongByReference;
import io.cephflow.ceph.ImageFeature;
import io.cephflow.ceph.ImageInfo;
import io.cephflow.ceph.ImageSpec;
import io.cephflow.ceph.RbdImages;
import io.cephflow.ceph.RbdNames;
import io.cephflow.workflows.common.RbdRef;
import io.cephflow.workflows.common.SnapRef;
import java.util.List;
import java.util.Optional;

/** {@link RbdImages} over librbd. */
public final class LibrbdImages implements RbdImages {
  private static final RbdNative RBD = RbdNative.INSTANCE;
  private final CephCluster cluster;

  public LibrbdImages(CephCluster cluster) {
    this.cluster = cluster;
  }

  @Override
  public void create(RbdRef ref, ImageSpec spec) {
    RbdNames.check(ref);
    try (var pool = cluster.pool(ref.pool())) {
      int rc =
          RBD.rbd_create2(
              pool.ptr(),
              ref.image(),
              spec.sizeBytes(),
              ImageFeature.mask(spec.features()),
              new int[] {0});
      if (Errno.of(rc) != Errno.EEXIST) {
        Check.rc(rc, "create image " + ref);
        return;
      }
    }
    ImageInfo existing = stat(ref);
    // object-map and fast-diff may be added by the cluster's defaults; compare what we asked for
    if (existing.sizeBytes() != spec.sizeBytes()
        || !existing.features().containsAll(spec.features())
        || existing.parent().isPresent()) {
      throw io.cephflow.ceph.RbdException.conflict(
          "image "
              + ref
              + " exists with another spec (size "
              + existing.sizeBytes()
              + ", features "
              + existing.features()
              + ", parent "
              + existing.parent().map(Object::toString).orElse("none")
              + ")");
    }
  }

  @Override
  public boolean exists(RbdRef ref) {
    return find(ref).isPresent();
  }

  @Override
  public ImageInfo stat(RbdRef ref) {
    RbdNames.check(ref);
    try (var pool = cluster.pool(ref.pool());
        var image = Image.open(pool, ref, null, true)) {
      return stat(image);
    }
  }

  @Override
  public Optional<ImageInfo> find(RbdRef ref) {
    RbdNames.check(ref);
    try (var pool = cluster.pool(ref.pool())) {
      Image image;
      try {
        image = Image.open(pool, ref, null, true);
      } catch (io.cephflow.ceph.RbdException e) {
        if (e.kind() == io.cephflow.ceph.RbdException.Kind.NOT_FOUND) return Optional.empty();
        throw e;
      }
      try (image) {
        return Optional.of(stat(image));
      }
    }
  }

  static ImageInfo stat(Image image) {
    // rados-java's stat crashes the JVM with JNA 5.14 (its struct layout): bound here
    RbdStructs.ImageInfo info = new RbdStructs.ImageInfo();
    Check.rc(RBD.rbd_stat(image.ptr(), info, info.size()), "stat image " + image.ref());
    LongByReference features = new LongByReference();
    Check.rc(RBD.rbd_get_features(image.ptr(), features), "get features of " + image.ref());
    return new ImageInfo(
        image.ref(), info.size, info.order, ImageFeature.of(features.getValue()), parentOf(image));
  }

  static Optional<SnapRef> parentOf(Image image) {
    byte[] pool = new byte[128], name = new byte[256], id = new byte[128], snap = new byte[256];
    int rc =
        RBD.rbd_get_parent_info2(
            image.ptr(), pool, pool.length, name, name.length, id, id.length, snap, snap.length);
    if (Errno.of(rc) == Errno.ENOENT) return Optional.empty();
    Check.rc(rc, "get parent of " + image.ref());
    return Optional.of(
        new RbdRef(Check.cString(pool), Check.cString(name)).snapshot(Check.cString(snap)));
  }

  @Override
  public void resize(RbdRef ref, long newSizeBytes, boolean allowShrink) {
    RbdNames.check(ref);
    try (var pool = cluster.pool(ref.pool());
        var image = Image.open(pool, ref)) {
      LongByReference size = new LongByReference();
      Check.rc(RBD.rbd_get_size(image.ptr(), size), "get size of " + ref);
      if (size.getValue() == newSizeBytes) return;
      if (newSizeBytes < size.getValue() && !allowShrink) {
        throw new io.cephflow.ceph.RbdException(
            io.cephflow.ceph.RbdException.Kind.INVALID,
            "refusing to shrink "
                + ref
                + " from "
                + size.getValue()
                + " to "
                + newSizeBytes
                + " bytes");
      }
      Check.rc(
          RBD.rbd_resize2(
              image.ptr(), newSizeBytes, (byte) (allowShrink ? 1 : 0), RbdNative.NO_PROGRESS, null),
          "resize " + ref);
    }
  }

  @Override
  public void remove(RbdRef ref) {
    RbdNames.check(ref);
    try (var pool = cluster.pool(ref.pool());
        var hold = ImageLocks.acquire(ref, "remove image " + ref)) {
      int rc = RBD.rbd_remove(pool.ptr(), ref.image()); // opens the image writable inside
      if (Errno.of(rc) == Errno.EBUSY) {
        throw io.cephflow.ceph.RbdException.busy(
            "image " + ref + " is busy: it has clones or is open (watched) by a client", List.of());
      }
      Check.rcOrMissing(rc, "remove image " + ref);
    }
  }

  @Override
  public void moveToTrash(RbdRef ref) {
    RbdNames.check(ref);
    try (var pool = cluster.pool(ref.pool());
        var hold = ImageLocks.acquire(ref, "move image " + ref + " to trash")) {
      Check.rcOrMissing(
          RBD.rbd_trash_move(pool.ptr(), ref.image(), 0), "move image " + ref + " to trash");
    }
  }

  @Override
  public List<String> list(String poolName) {
    try (var pool = cluster.pool(poolName)) {
      byte[] buf = new byte[4096];
      LongByReference len = new LongByReference(buf.length);
      int rc;
      // ERANGE: librbd told us the size it needs (more again if an image came meanwhile)
      while (Errno.of(rc = RBD.rbd_list(pool.ptr(), buf, len)) == Errno.ERANGE)
        buf = new byte[(int) len.getValue()];
      Check.rc(rc, "list images in " + poolName);
      return Check.strings(buf, len.getValue());
    }
  }
}
