package io.cephflow.workflows.volume;

/**
 * A volume as it stands in Ceph after a flow: {@code parent} is null unless it is still a clone.
 */
public record VolumeResult(
    String volumeId, String pool, String image, long sizeBytes, String parent, int cloneDepth) {}
