package io.cephflow.workflows.volume;

import io.cephflow.workflows.common.Ids;

/**
 * Deletes {@code volumes/volume-<volumeId>@snapshot-<snapshotId>}.
 *
 * @param flattenDependents flatten its clones first instead of refusing (InUse)
 */
public record DeleteVolumeSnapshotRequest(
    String volumeId, String snapshotId, boolean flattenDependents) {
  public DeleteVolumeSnapshotRequest validate() {
    Ids.require("volumeId", volumeId);
    Ids.require("snapshotId", snapshotId);
    return this;
  }
}
