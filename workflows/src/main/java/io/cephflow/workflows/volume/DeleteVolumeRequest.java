package io.cephflow.workflows.volume;

import io.cephflow.workflows.common.Ids;

/**
 * Deletes {@code volumes/volume-<volumeId>} with its snapshots.
 *
 * @param flattenDependents flatten the clones of its snapshots first instead of refusing (InUse)
 */
public record DeleteVolumeRequest(String volumeId, boolean flattenDependents) {
  public DeleteVolumeRequest validate() {
    Ids.require("volumeId", volumeId);
    return this;
  }
}
