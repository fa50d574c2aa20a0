package io.cephflow.ceph;

import java.util.regex.Pattern;

/** A snapshot of an RBD image. */
public record SnapshotRef(ImageRef image, String name) {
  private static final Pattern SNAP = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,199}");

  public SnapshotRef {
    if (image == null) throw new IllegalArgumentException("snapshot needs an image");
    ImageRef.requireMatch("snapshot name", name, SNAP);
  }

  @Override
  public String toString() {
    return image + "@" + name;
  }
}
