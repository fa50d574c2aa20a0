package io.cephflow.workflows.volume;

/** A volume snapshot as it stands in Ceph: {@code pool/image@snapshot}, protected. */
public record VolumeSnapshotResult(
    String volumeId,
    String snapshotId,
    String pool,
    String image,
    String snapshot,
    long sizeBytes) {}
