package io.cephflow.workflows.common;

/** An RBD image as workflows name it (validated again at the storage boundary). */
public record RbdRef(String pool, String image) {
  public static final String IMAGES = "images";
  public static final String VMS = "vms";
  public static final String VOLUMES = "volumes";

  public static RbdRef image(String imageId) {
    return new RbdRef(IMAGES, imageId);
  }

  public static RbdRef serverDisk(String serverId) {
    return new RbdRef(VMS, serverId + "_disk");
  }

  /**
   * The raw copy a non-raw image is converted into once, on its first boot or volume (or {@code
   * convert: raw} at upload makes the image raw itself): owned by the image, cloned by every later
   * boot and volume, removed with the image.
   */
  public static RbdRef rawCopy(String imageId) {
    return new RbdRef(IMAGES, imageId + "_raw");
  }

  public static RbdRef volume(String volumeId) {
    return new RbdRef(VOLUMES, "volume-" + volumeId);
  }

  /** The snapshot {@code name} of this image (a method with a parameter: not a JSON property). */
  public SnapRef snapshot(String name) {
    return new SnapRef(this, name);
  }

  @Override
  public String toString() {
    return pool + "/" + image;
  }
}
