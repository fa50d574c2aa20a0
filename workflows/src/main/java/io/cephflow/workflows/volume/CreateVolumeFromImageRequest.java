package io.cephflow.workflows.volume;

import io.cephflow.workflows.common.Ids;

/**
 * A new volume {@code volumes/volume-<volumeId>} holding the disk of {@code images/<imageId>}.
 *
 * @param sizeBytes the volume's size; 0 keeps the image's virtual size; smaller is refused
 */
public record CreateVolumeFromImageRequest(String volumeId, String imageId, long sizeBytes) {
  /** Throws IllegalArgumentException with a reason a person can act on. */
  public CreateVolumeFromImageRequest validate() {
    Ids.require("volumeId", volumeId);
    Ids.require("imageId", imageId);
    if (sizeBytes < 0)
      throw new IllegalArgumentException("sizeBytes must be >= 0, got " + sizeBytes);
    return this;
  }
}
