package io.cephflow.ceph;

import java.util.Optional;
import java.util.Set;

/** What librbd reports about an image. {@code parent} is empty unless the image is a clone. */
public record ImageInfo(
    ImageRef ref,
    long sizeBytes,
    int order,
    Set<ImageFeature> features,
    Optional<SnapshotRef> parent) {
  public long objectSize() {
    return 1L << order;
  }
}
