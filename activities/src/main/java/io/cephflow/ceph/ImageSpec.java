package io.cephflow.ceph;

import java.util.EnumSet;
import java.util.Set;

/** What an image is created with; the same name with the same spec is the same image. */
public record ImageSpec(long sizeBytes, Set<ImageFeature> features) {
  public ImageSpec {
    if (sizeBytes < 0)
      throw new IllegalArgumentException("image size must be >= 0, got " + sizeBytes);
    features =
        features == null || features.isEmpty()
            ? EnumSet.noneOf(ImageFeature.class)
            : EnumSet.copyOf(features);
  }

  public static ImageSpec ofSize(long sizeBytes) {
    return new ImageSpec(sizeBytes, ImageFeature.defaults());
  }
}
