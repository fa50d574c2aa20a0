package io.cephflow.inventory;

import java.util.List;

/**
 * A volume as Ceph holds it now ({@code volumes/volume-<id>}).
 *
 * @param parent the snapshot it is a clone of ({@code pool/image@snap}), or null when flat
 * @param depth its clone depth (0 when flat)
 * @param snapshots the ids of its volume snapshots
 * @param usedBy {@code server:<id>} when a server boots from it
 */
public record VolumeView(
    String id,
    String state,
    long sizeBytes,
    String parent,
    int depth,
    List<String> snapshots,
    String usedBy,
    String createdBy,
    String madeFrom,
    String createdAt) {}
