package io.cephflow.ceph;

/** A snapshot as listed by librbd. */
public record SnapshotInfo(String name, long id, long sizeBytes, boolean isProtected) {}
