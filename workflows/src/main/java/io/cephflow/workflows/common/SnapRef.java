package io.cephflow.workflows.common;

/** A snapshot of an RBD image as workflows name it. */
public record SnapRef(RbdRef image, String snapshot) {
  /** The protected snapshot every uploaded image carries. */
  public static final String IMAGE_SNAP = "snap";

  public static SnapRef imageSnap(String imageId) {
    return new SnapRef(RbdRef.image(imageId), IMAGE_SNAP);
  }

  /**
   * The protected snapshot of an image's raw copy ({@link RbdRef#rawCopy}), which its clones hang
   * from.
   */
  public static SnapRef rawCopySnap(String imageId) {
    return new SnapRef(RbdRef.rawCopy(imageId), IMAGE_SNAP);
  }

  public static SnapRef volumeSnapshot(String volumeId, String snapshotId) {
    return new SnapRef(RbdRef.volume(volumeId), "snapshot-" + snapshotId);
  }

  @Override
  public String toString() {
    return image + "@" + snapshot;
  }
}
