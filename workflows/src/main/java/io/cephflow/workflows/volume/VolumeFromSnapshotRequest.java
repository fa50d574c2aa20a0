package io.cephflow.workflows.volume;

/**
 * A new volume {@code volumes/volume-<volumeId>} cloned from {@code volumes/volume-<sourceVolumeId>@snapshot-<snapshotId>}.
 *
 * @param sizeBytes the new volume's size; 0 keeps the snapshot's size; smaller is refused
 * @param flatten null means {@link FlattenPolicy#DEPTH}
 * @param maxCloneDepth for DEPTH; 0 means the default (5, as Cinder's rbd_max_clone_depth)
 */
public record VolumeFromSnapshotRequest(String volumeId, String sourceVolumeId, String snapshotId, long sizeBytes,
                                        FlattenPolicy flatten, int maxCloneDepth) {}
