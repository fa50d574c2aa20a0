package io.cephflow.ceph;

import java.util.EnumSet;
import java.util.Set;

/** RBD image features and their librbd bits (include/rbd/features.h). */
public enum ImageFeature {
  LAYERING(1L),
  STRIPINGV2(1L << 1),
  EXCLUSIVE_LOCK(1L << 2),
  OBJECT_MAP(1L << 3),
  FAST_DIFF(1L << 4),
  DEEP_FLATTEN(1L << 5),
  JOURNALING(1L << 6),
  DATA_POOL(1L << 7),
  OPERATIONS(1L << 8),
  MIGRATING(1L << 9),
  NON_PRIMARY(1L << 10);

  private final long bit;

  ImageFeature(long bit) {
    this.bit = bit;
  }

  public long bit() {
    return bit;
  }

  /** What `rbd create` gives by default on Pacific, and what OpenStack expects. */
  public static Set<ImageFeature> defaults() {
    return EnumSet.of(LAYERING, EXCLUSIVE_LOCK, OBJECT_MAP, FAST_DIFF, DEEP_FLATTEN);
  }

  public static long mask(Set<ImageFeature> features) {
    long m = 0;
    for (ImageFeature f : features) m |= f.bit;
    return m;
  }

  public static Set<ImageFeature> of(long mask) {
    Set<ImageFeature> s = EnumSet.noneOf(ImageFeature.class);
    for (ImageFeature f : values()) if ((mask & f.bit) != 0) s.add(f);
    return s;
  }
}
