package io.cephflow.ceph;

import io.cephflow.workflows.common.RbdRef;
import io.cephflow.workflows.common.SnapRef;
import java.util.List;

/** Snapshots. Create, protect, unprotect and remove are idempotent. */
public interface RbdSnapshots {
  void create(SnapRef snap);

  List<SnapshotInfo> list(RbdRef image);

  boolean exists(SnapRef snap);

  void protect(SnapRef snap);

  /** Unprotecting a snapshot with clones is BUSY, naming the clones. */
  void unprotect(SnapRef snap);

  boolean isProtected(SnapRef snap);

  /** Removes the snapshot (a missing one is success); a protected one is BUSY. */
  void remove(SnapRef snap);

  void rollback(SnapRef snap);
}
