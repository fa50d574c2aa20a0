package io.cephflow.workflows.server;

/** The new image: {@code pool/image@snapshot}, flattened (no parent), raw. */
public record CreateImageFromServerResult(
    String imageId, String pool, String image, String snapshot, long sizeBytes) {}
