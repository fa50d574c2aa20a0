package io.cephflow.ceph;

import io.cephflow.workflows.common.RbdRef;
import io.cephflow.workflows.common.SnapRef;
import java.util.regex.Pattern;

/**
 * The ceph layer's door: every port method checks the refs it is given here before any librbd call,
 * so no caller-supplied string with option syntax ({@code :@=/}) ever reaches librbd or qemu. The
 * refs themselves are the workflows' wire records, which do not validate.
 */
public final class RbdNames {
  private static final Pattern POOL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,199}");

  private RbdNames() {}

  /** {@code ref}, or IllegalArgumentException naming the bad pool or image name. */
  public static RbdRef check(RbdRef ref) {
    if (ref == null) throw new IllegalArgumentException("no image named");
    requireMatch("pool", ref.pool(), POOL);
    requireMatch("image name", ref.image(), NAME);
    return ref;
  }

  /** {@code snap}, or IllegalArgumentException naming the bad pool, image or snapshot name. */
  public static SnapRef check(SnapRef snap) {
    if (snap == null || snap.image() == null) {
      throw new IllegalArgumentException("snapshot needs an image");
    }
    check(snap.image());
    requireMatch("snapshot name", snap.snapshot(), NAME);
    return snap;
  }

  private static void requireMatch(String what, String value, Pattern pattern) {
    if (value == null || !pattern.matcher(value).matches()) {
      throw new IllegalArgumentException(
          "invalid " + what + " '" + value + "': expected " + pattern.pattern());
    }
  }
}
