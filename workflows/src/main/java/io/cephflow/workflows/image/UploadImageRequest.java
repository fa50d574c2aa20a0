package io.cephflow.workflows.image;

import io.cephflow.workflows.common.DisplayNames;
import io.cephflow.workflows.common.Ids;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * @param source a local path ({@code /...} or {@code file:/...}) or an http(s) URL
 * @param diskFormat the format the caller declares; it is checked, never trusted
 * @param checksum optional expected checksum of the source: {@code sha256:<hex>}, {@code
 *     sha512:<hex>} or bare SHA-256 hex; or {@code sha256} alone: compute and record the full
 *     SHA-256 without expecting one (see {@link Checksum}; every upload records the chunked
 *     SHA-256)
 * @param convert {@code raw}: convert a non-raw source to raw at upload (as Glance's
 *     image-conversion import), so that every boot and volume clones it; null keeps the image in
 *     its own format (converted once, on its first boot or volume)
 */
public record UploadImageRequest(
    String imageId,
    String name,
    String source,
    String diskFormat,
    String checksum,
    String convert) {
  public static final Set<String> FORMATS =
      Set.of("raw", "qcow2", "vmdk", "vhd", "vhdx", "vdi", "iso");
  public static final Set<String> CONVERSIONS = Set.of("raw");

  /** An upload that keeps the image in its own format. */
  public UploadImageRequest(
      String imageId, String name, String source, String diskFormat, String checksum) {
    this(imageId, name, source, diskFormat, checksum, null);
  }

  /** Throws IllegalArgumentException with a reason a person can act on. */
  public UploadImageRequest validate() {
    Ids.require("imageId", imageId);
    DisplayNames.require("name", name);
    requireSafeSource(source);
    if (diskFormat == null || !FORMATS.contains(diskFormat)) {
      throw new IllegalArgumentException(
          "diskFormat must be one of " + FORMATS + ", got '" + diskFormat + "'");
    }
    Checksum.parse(checksum);
    if (convert != null && !CONVERSIONS.contains(convert)) {
      throw new IllegalArgumentException(
          "convert must be one of " + CONVERSIONS + " (or absent), got '" + convert + "'");
    }
    return this;
  }

  /** Anything before the host's {@code @} in {@code scheme://user:pass@host}: a credential. */
  private static final Pattern CREDENTIALS = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:/*[^/?#]*@");

  public static final int MAX_SOURCE_LENGTH = 4096;

  /**
   * The checks that keep a source out of the history when it must not be there: a credential in a
   * URL would be stored in clear in Temporal's history, so it is refused before any start (and the
   * message never repeats the source).
   */
  static void requireSafeSource(String source) {
    if (source == null || source.isBlank())
      throw new IllegalArgumentException("source is required");
    if (source.length() > MAX_SOURCE_LENGTH) {
      throw new IllegalArgumentException(
          "source is longer than " + MAX_SOURCE_LENGTH + " characters");
    }
    if (source.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw new IllegalArgumentException("source has a control character");
    }
    if (CREDENTIALS.matcher(source).find()) {
      throw new IllegalArgumentException(
          "source must not carry credentials (user:password@): they would be stored "
              + "with the operation; publish the image where it can be read without them, or copy it to an allowed "
              + "directory");
    }
  }

  /**
   * Raw (and iso, a raw byte stream) is streamed; every other format is staged and vetted first.
   */
  public boolean streamsAsRaw() {
    return "raw".equals(diskFormat) || "iso".equals(diskFormat);
  }

  /** A non-raw source that lands as a raw image (its own format is kept as provenance). */
  public boolean convertsToRaw() {
    return "raw".equals(convert) && !streamsAsRaw();
  }

  /** The format the image is stored in. */
  public String storedFormat() {
    return convertsToRaw() ? "raw" : diskFormat;
  }
}
