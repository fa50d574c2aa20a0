package io.cephflow.workflows.storage;

import io.cephflow.workflows.common.RbdRef;
import io.temporal.activity.ActivityInterface;

/**
 * The H-release path for non-raw images: export the stored image (kept in its own format, as Glance
 * keeps it), vet it again, convert it to raw and write it into an existing target image without a
 * full-size raw scratch copy. Heartbeats bytes done/total.
 */
@ActivityInterface
public interface ConvertActivities {
  /**
   * {@code target} must exist and be at least the image's virtual size. Records the raw image's
   * SHA-256 in the target's metadata ({@code cephflow.sha256}) and returns it.
   */
  ConvertResult convertImageInto(RbdRef source, String diskFormat, RbdRef target);

  /**
   * @param sha256 of the raw image written (virtual size, holes as zeros); null in histories before
   *     it
   */
  record ConvertResult(long virtualSizeBytes, long bytesWritten, String sha256) {}
}
