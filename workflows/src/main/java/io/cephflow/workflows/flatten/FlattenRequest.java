package io.cephflow.workflows.flatten;

import io.cephflow.workflows.common.RbdRef;
import io.cephflow.workflows.common.SnapRef;

/**
 * Flatten {@code image} (detach it from its parent) through the cluster-wide limit.
 *
 * @param releaseParent the temporary snapshot the image was cloned from (an image made from a
 *     server), removed once the image is detached; null for none. Only a snapshot made for this
 *     image alone ({@code vms/<sid>_disk@cephflow-image-<imageId>}) is ever removed.
 */
public record FlattenRequest(RbdRef image, SnapRef releaseParent) {
  public FlattenRequest(RbdRef image) {
    this(image, null);
  }
}
