package io.cephflow.workflows.storage;

import io.cephflow.workflows.common.RbdRef;
import io.cephflow.workflows.common.SnapRef;
import io.temporal.activity.ActivityInterface;
import java.util.List;
import java.util.Map;

/**
 * RBD operations as activities. Each is idempotent (retries are safe) and treats "already done" as
 * success; undos treat "not found" as success.
 */
@ActivityInterface
public interface StorageActivities {
  /** Creates the image and records {@code owner}; an image owned by another is a Conflict. */
  void createImage(RbdRef ref, long sizeBytes, String owner);

  /** Removes the image (and its unprotected snapshots) only if {@code owner} created it. */
  void removeImage(RbdRef ref, String owner);

  void createSnapshot(SnapRef snap);

  void removeSnapshot(SnapRef snap);

  void protectSnapshot(SnapRef snap);

  void unprotectSnapshot(SnapRef snap);

  void setMetadata(RbdRef ref, Map<String, String> entries);

  /**
   * Makes {@code entries} the image's whole provenance: every other {@code cephflow.} key (what a
   * clone inherits from its parent) is removed, except the owner and the keys in {@code keep}.
   */
  void replaceProvenance(RbdRef ref, Map<String, String> entries, List<String> keep);

  void resizeImage(RbdRef ref, long sizeBytes, boolean allowShrink);

  /** Clones the snapshot into {@code child} and records {@code owner}. */
  void cloneImage(SnapRef parent, RbdRef child, String owner);

  void flattenImage(RbdRef ref);

  ImageStat statImage(RbdRef ref);

  List<RbdRef> listChildren(SnapRef snap);

  /** The image's snapshots, oldest first; empty when the image does not exist. */
  List<SnapshotStat> listSnapshots(RbdRef ref);

  /**
   * Removes the image by name, whoever created it (deletes go by id, as in Cinder; callers derive
   * the name from a validated id, so only names in cephflow's scheme reach here). A missing image
   * is success; one that still has snapshots is InUse naming them.
   */
  void deleteImage(RbdRef ref);

  record SnapshotStat(String name, long sizeBytes, boolean isProtected) {}

  /** Size, parent (null unless a clone), clone depth and whether it exists. */
  record ImageStat(
      boolean exists, long sizeBytes, SnapRef parent, int depth, Map<String, String> metadata) {}
}
