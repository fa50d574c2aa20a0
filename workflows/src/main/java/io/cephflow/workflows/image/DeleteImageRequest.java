package io.cephflow.workflows.image;

import io.cephflow.workflows.common.Ids;

/**
 * Deletes {@code images/<imageId>} with its snapshot {@code snap}.
 *
 * @param flattenDependents flatten the volumes and disks cloned from it first instead of refusing
 *     (InUse)
 */
public record DeleteImageRequest(String imageId, boolean flattenDependents) {
  public DeleteImageRequest validate() {
    Ids.require("imageId", imageId);
    return this;
  }
}
