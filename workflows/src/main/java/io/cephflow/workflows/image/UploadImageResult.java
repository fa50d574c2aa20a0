package io.cephflow.workflows.image;

/** Where the image landed and what it holds. */
public record UploadImageResult(String imageId, String pool, String image, String snapshot, long sizeBytes,
                                String sha256) {}
