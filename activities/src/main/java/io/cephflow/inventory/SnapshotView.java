package io.cephflow.inventory;

import java.util.List;

/** A volume snapshot ({@code volumes/volume-<volumeId>@snapshot-<id>}) and the clones of it. */
public record SnapshotView(
    String id,
    String volumeId,
    String state,
    long sizeBytes,
    boolean isProtected,
    List<String> children,
    String createdBy,
    String createdAt) {}
