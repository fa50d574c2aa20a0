package io.cephflow.ceph;

import io.cephflow.workflows.common.RbdRef;
import java.util.List;

/**
 * What the leak auditor needs from librbd beyond the flows' ports: creation times and the trash.
 * Missing images are not errors here: a listing races with the flows that remove them.
 */
public interface RbdAges {
  /** One entry of a pool's trash: librbd's id, the image's name, when it was moved there. */
  record TrashEntry(String id, String name, long deletedAtEpochSecond) {}

  List<TrashEntry> trash(String pool);

  /** Removes the trash entry; false when it was gone already. BUSY (still watched) is thrown. */
  boolean removeFromTrash(String pool, String id);

  /**
   * When the image was created, with its snapshots' creation times and its parent; empty when it is
   * gone.
   */
  java.util.Optional<Ages> ages(RbdRef ref);

  /**
   * @param snapshots snapshot name to creation time (epoch seconds)
   * @param parent the snapshot it is a clone of ({@code pool/image@snap}), null when it is not a
   *     clone (the auditor's reap removes a clone before the snapshot it hangs off)
   */
  record Ages(long createdEpochSecond, java.util.Map<String, Long> snapshots, String parent) {}
}
