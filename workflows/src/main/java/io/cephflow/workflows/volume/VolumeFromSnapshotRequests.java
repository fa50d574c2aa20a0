package io.cephflow.workflows.volume;

import io.cephflow.workflows.common.Ids;

/**
 * Validation of {@link VolumeFromSnapshotRequest}, kept beside the shared record rather than in it
 * so the record stays as BootFromVolumeSnapshot depends on it.
 */
public final class VolumeFromSnapshotRequests {
  private VolumeFromSnapshotRequests() {}

  /** Throws IllegalArgumentException with a reason a person can act on. */
  public static VolumeFromSnapshotRequest validate(VolumeFromSnapshotRequest r) {
    if (r == null) throw new IllegalArgumentException("a request is required");
    Ids.require("volumeId", r.volumeId());
    Ids.require("sourceVolumeId", r.sourceVolumeId());
    Ids.require("snapshotId", r.snapshotId());
    if (r.volumeId().equals(r.sourceVolumeId()))
      throw new IllegalArgumentException("a volume cannot be its own source");
    if (r.sizeBytes() < 0)
      throw new IllegalArgumentException("sizeBytes must be >= 0, got " + r.sizeBytes());
    if (r.maxCloneDepth() < 0)
      throw new IllegalArgumentException("maxCloneDepth must be >= 0, got " + r.maxCloneDepth());
    return r;
  }
}
