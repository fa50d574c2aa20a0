package io.cephflow.workflows.image;

/**
 * Where the image landed and what it holds.
 *
 * @param sha256 SHA-256 of the image's bytes; since chunked-sha256 only when the request asked for
 *     it (or gave an expected sha256), else null
 * @param chunkedSha256 the provenance digest (SHA-256 over each 4 MiB chunk's SHA-256); null in
 *     results from before it
 */
public record UploadImageResult(
    String imageId,
    String pool,
    String image,
    String snapshot,
    long sizeBytes,
    String sha256,
    String chunkedSha256) {
  public UploadImageResult(
      String imageId, String pool, String image, String snapshot, long sizeBytes, String sha256) {
    this(imageId, pool, image, snapshot, sizeBytes, sha256, null);
  }
}
