package io.cephflow.ceph;

import io.cephflow.workflows.common.RbdRef;
import io.cephflow.workflows.common.SnapRef;
import java.util.Optional;
import java.util.Set;

/** What librbd reports about an image. {@code parent} is empty unless the image is a clone. */
public record ImageInfo(
    RbdRef ref, long sizeBytes, int order, Set<ImageFeature> features, Optional<SnapRef> parent) {
  public long objectSize() {
    return 1L << order;
  }
}
