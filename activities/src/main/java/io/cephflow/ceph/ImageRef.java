package io.cephflow.ceph;

import java.util.regex.Pattern;

/**
 * An RBD image named by pool and image name. Names are validated here, once, so no caller-supplied
 * string with option syntax ({@code :@=/}) ever reaches librbd or qemu.
 */
public record ImageRef(String pool, String name) {
  private static final Pattern POOL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,199}");

  public ImageRef {
    requireMatch("pool", pool, POOL);
    requireMatch("image name", name, NAME);
  }

  public SnapshotRef snapshot(String snapName) {
    return new SnapshotRef(this, snapName);
  }

  static void requireMatch(String what, String value, Pattern pattern) {
    if (value == null || !pattern.matcher(value).matches()) {
      throw new IllegalArgumentException(
          "invalid " + what + " '" + value + "': expected " + pattern.pattern());
    }
  }

  @Override
  public String toString() {
    return pool + "/" + name;
  }
}
