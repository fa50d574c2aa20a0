package io.cephflow.workflows.image;

import io.cephflow.workflows.common.Ids;
import java.util.Locale;
import java.util.Set;

/**
 * @param source a local path ({@code /...} or {@code file:/...}) or an http(s) URL
 * @param diskFormat the format the caller declares; it is checked, never trusted
 * @param expectedSha256 optional hex checksum of the source
 */
public record UploadImageRequest(String imageId, String name, String source, String diskFormat,
                                 String expectedSha256) {
  public static final Set<String> FORMATS = Set.of("raw", "qcow2", "vmdk", "vhd", "vhdx", "vdi", "iso");

  /** Throws IllegalArgumentException with a reason a person can act on. */
  public UploadImageRequest validate() {
    Ids.require("imageId", imageId);
    if (name == null || name.isBlank() || name.length() > 255) {
      throw new IllegalArgumentException("name is required (1..255 characters)");
    }
    if (source == null || source.isBlank()) throw new IllegalArgumentException("source is required");
    if (diskFormat == null || !FORMATS.contains(diskFormat)) {
      throw new IllegalArgumentException("diskFormat must be one of " + FORMATS + ", got '" + diskFormat + "'");
    }
    if (expectedSha256 != null && !expectedSha256.toLowerCase(Locale.ROOT).matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException("checksum must be 64 hex digits of SHA-256");
    }
    return this;
  }
}
