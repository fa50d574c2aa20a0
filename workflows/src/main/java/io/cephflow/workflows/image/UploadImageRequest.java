package io.cephflow.workflows.image;

import io.cephflow.workflows.common.DisplayNames;
import io.cephflow.workflows.common.Ids;
import java.util.Set;

/**
 * @param source a local path ({@code /...} or {@code file:/...}) or an http(s) URL
 * @param diskFormat the format the caller declares; it is checked, never trusted
 * @param checksum optional expected checksum of the source: {@code sha256:<hex>},
 *     {@code sha512:<hex>} or bare SHA-256 hex (see {@link Checksum})
 */
public record UploadImageRequest(String imageId, String name, String source, String diskFormat,
                                 String checksum) {
  public static final Set<String> FORMATS = Set.of("raw", "qcow2", "vmdk", "vhd", "vhdx", "vdi", "iso");

  /** Throws IllegalArgumentException with a reason a person can act on. */
  public UploadImageRequest validate() {
    Ids.require("imageId", imageId);
    DisplayNames.require("name", name);
    if (source == null || source.isBlank()) throw new IllegalArgumentException("source is required");
    if (diskFormat == null || !FORMATS.contains(diskFormat)) {
      throw new IllegalArgumentException("diskFormat must be one of " + FORMATS + ", got '" + diskFormat + "'");
    }
    Checksum.parse(checksum);
    return this;
  }

  /** Raw (and iso, a raw byte stream) is streamed; every other format is staged and vetted first. */
  public boolean streamsAsRaw() {
    return "raw".equals(diskFormat) || "iso".equals(diskFormat);
  }
}
