package io.cephflow.inventory;

import java.util.List;

/**
 * An image as Ceph holds it now: its RBD image in {@code images}, the provenance recorded with it,
 * its protected snapshot {@code snap} and the clones that depend on it, and its record.
 *
 * @param createdBy the operation (workflow id) that created it, or {@code unrecorded}
 * @param madeFrom {@code server:<id>} for an image made from a server, else null (an upload)
 * @param sha256 SHA-256 of the image's bytes, when its upload computed it (asked for, or before
 *     chunked digests); {@code chunkedSha256} the provenance digest of every later upload (SHA-256
 *     over each 4 MiB chunk's SHA-256, docs/intake.md)
 */
public record ImageView(
    String id,
    String name,
    String state,
    long sizeBytes,
    Long virtualSizeBytes,
    String diskFormat,
    String sha256,
    String source,
    boolean snapshotProtected,
    List<String> children,
    String createdBy,
    String madeFrom,
    String createdAt,
    String chunkedSha256) {}
