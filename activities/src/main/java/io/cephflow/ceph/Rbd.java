package io.cephflow.ceph;

/** The storage port as one value: what activities receive. */
public record Rbd(
    RbdImages images,
    RbdSnapshots snapshots,
    RbdClones clones,
    RbdMetadata metadata,
    RbdStreams streams) {}
