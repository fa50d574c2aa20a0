package io.cephflow.workflows.volume;

import io.cephflow.workflows.common.Ids;

/** A protected snapshot {@code snapshot-<snapshotId>} of {@code volumes/volume-<volumeId>}. */
public record CreateVolumeSnapshotRequest(String volumeId, String snapshotId) {
  public CreateVolumeSnapshotRequest validate() {
    Ids.require("volumeId", volumeId);
    Ids.require("snapshotId", snapshotId);
    return this;
  }
}
