package io.cephflow.ceph.librbd;

import com.sun.jna.ptr.LongByReference;
import io.cephflow.ceph.RbdAges;
import io.cephflow.ceph.RbdException;
import io.cephflow.ceph.RbdNames;
import io.cephflow.ceph.SnapshotInfo;
import io.cephflow.workflows.common.RbdRef;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@link RbdAges} over librbd. */
public final class LibrbdAges implements RbdAges {
  private static final AgesNative NATIVE = AgesNative.INSTANCE;
  private final CephCluster cluster;
  private final LibrbdSnapshots snapshots;

  public LibrbdAges(CephCluster cluster) {
    this.cluster = cluster;
    this.snapshots = new LibrbdSnapshots(cluster);
  }

  @Override
  public List<TrashEntry> trash(String pool) {
    try (var p = cluster.pool(pool)) {
      for (int size = 16; ; size *= 4) {
        AgesNative.TrashInfo first = new AgesNative.TrashInfo();
        AgesNative.TrashInfo[] array = (AgesNative.TrashInfo[]) first.toArray(size);
        LongByReference num = new LongByReference(size);
        int rc = NATIVE.rbd_trash_list(p.ptr(), first, num);
        if (Errno.of(rc) == Errno.ERANGE && num.getValue() > size) continue;
        Check.rc(rc, "list the trash of " + pool);
        int n = (int) num.getValue();
        List<TrashEntry> out = new ArrayList<>();
        try {
          for (int i = 0; i < n; i++) {
            array[i].read();
            out.add(
                new TrashEntry(
                    array[i].id.getString(0), array[i].name.getString(0), array[i].deletionTime));
          }
        } finally {
          if (n > 0) NATIVE.rbd_trash_list_cleanup(first, n);
        }
        return out;
      }
    }
  }

  @Override
  public boolean removeFromTrash(String pool, String id) {
    try (var p = cluster.pool(pool)) {
      return Check.rcOrMissing(
          NATIVE.rbd_trash_remove(p.ptr(), id, 0), "remove " + pool + "/" + id + " from the trash");
    }
  }

  @Override
  public Optional<Ages> ages(RbdRef ref) {
    RbdNames.check(ref);
    try (var pool = cluster.pool(ref.pool());
        var image = Image.open(pool, ref, null, true)) {
      long[] ts = new long[2];
      Check.rc(NATIVE.rbd_get_create_timestamp(image.ptr(), ts), "creation time of " + ref);
      Map<String, Long> snaps = new LinkedHashMap<>();
      for (SnapshotInfo s : snapshots.list(ref)) {
        long[] st = new long[2];
        if (NATIVE.rbd_snap_get_timestamp(image.ptr(), s.id(), st) >= 0) snaps.put(s.name(), st[0]);
      }
      String parent = LibrbdImages.parentOf(image).map(Object::toString).orElse(null);
      return Optional.of(new Ages(ts[0], snaps, parent));
    } catch (RbdException e) {
      if (e.kind() == RbdException.Kind.NOT_FOUND) return Optional.empty();
      throw e;
    }
  }
}
