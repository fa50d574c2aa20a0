package io.cephflow.workflows.volume;

/**
 * A new volume {@code volumes/volume-<volumeId>} cloned from {@code
 * volumes/volume-<sourceVolumeId>@snapshot-<snapshotId>}.
 *
 * @param sizeBytes the new volume's size; 0 keeps the snapshot's size; smaller is refused
 * @param flatten null means {@link FlattenPolicy#DEPTH}
 * @param maxCloneDepth for DEPTH: a clone deeper is flattened before the flow returns; 0 means the
 *     pool's policy ({@code cephflow.clone-depth.volumes}: above soft in the background, above hard
 *     before returning; flows from before the policy: 5, as Cinder's rbd_max_clone_depth)
 */
public record VolumeFromSnapshotRequest(
    String volumeId,
    String sourceVolumeId,
    String snapshotId,
    long sizeBytes,
    FlattenPolicy flatten,
    int maxCloneDepth) {}
