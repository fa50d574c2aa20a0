package io.cephflow.ceph;

import java.util.List;

/** Snapshots. Create, protect, unprotect and remove are idempotent. */
public interface RbdSnapshots {
  void create(SnapshotRef snap);

  List<SnapshotInfo> list(ImageRef image);

  boolean exists(SnapshotRef snap);

  void protect(SnapshotRef snap);

  /** Unprotecting a snapshot with clones is BUSY, naming the clones. */
  void unprotect(SnapshotRef snap);

  boolean isProtected(SnapshotRef snap);

  /** Removes the snapshot (a missing one is success); a protected one is BUSY. */
  void remove(SnapshotRef snap);

  void rollback(SnapshotRef snap);
}
