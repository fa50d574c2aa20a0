package io.cephflow.workflows.common;

import io.cephflow.workflows.storage.StorageActivities.ImageStat;
import io.temporal.failure.ApplicationFailure;
import java.util.Map;

/**
 * An image read as the source of a copy (a server disk, a volume), in one place, so every flow that
 * copies an image agrees: the format UploadImage records as its last step must be there (else the
 * image is missing or its upload has not finished, and a copy could expose a half-written disk:
 * NotFound); the disk's size is the recorded virtual size, or for raw the image's own size (a
 * non-raw image without a usable virtual size: UnsupportedFormat).
 */
public record ImageSource(String imageId, String format, long virtualSizeBytes, String sha256) {
  public static final String RAW = "raw";

  public static ImageSource of(String imageId, ImageStat stat) {
    String format = stat.exists() ? stat.metadata().get(Provenance.FORMAT) : null;
    if (format == null) {
      throw ApplicationFailure.newNonRetryableFailure(
          "image "
              + imageId
              + " does not exist or its upload has not "
              + "finished (no "
              + Provenance.FORMAT
              + ")",
          Failures.NOT_FOUND);
    }
    String recorded = stat.metadata().get(Provenance.VIRTUAL_SIZE);
    long virtualSize;
    if (recorded != null && recorded.matches("[0-9]{1,18}")) {
      virtualSize = Long.parseLong(recorded);
    } else if (RAW.equals(format)) {
      virtualSize = stat.sizeBytes();
    } else {
      throw ApplicationFailure.newNonRetryableFailure(
          "image "
              + imageId
              + " ("
              + format
              + ") has no usable recorded "
              + Provenance.VIRTUAL_SIZE
              + " ("
              + recorded
              + "): its disk size is unknown",
          Failures.UNSUPPORTED_FORMAT);
    }
    return new ImageSource(imageId, format, virtualSize, stat.metadata().get(Provenance.SHA256));
  }

  public boolean raw() {
    return RAW.equals(format);
  }

  /**
   * The provenance a copy of this image records as its own (replacing what a clone inherits from
   * its parent): raw, its own size, where it came from, and a raw image's checksum only while the
   * copy holds exactly its bytes (not once grown). A converted copy's checksum is the one its
   * conversion recorded ({@link #keptByCopy}).
   */
  public Map<String, String> copyProvenance(long copySizeBytes, String createdAt) {
    var out =
        new java.util.HashMap<String, String>(
            Map.of(
                Provenance.FORMAT,
                RAW,
                Provenance.SIZE,
                Long.toString(copySizeBytes),
                Provenance.VIRTUAL_SIZE,
                Long.toString(copySizeBytes),
                Provenance.SOURCE,
                "image:" + imageId,
                Provenance.CREATED_AT,
                createdAt));
    if (raw() && sha256 != null && copySizeBytes == virtualSizeBytes)
      out.put(Provenance.SHA256, sha256);
    return Map.copyOf(out);
  }

  /**
   * What a copy keeps of what it has: the SHA-256 of a conversion's raw output, while not grown.
   */
  public java.util.List<String> keptByCopy(long copySizeBytes) {
    return !raw() && copySizeBytes == virtualSizeBytes
        ? java.util.List.of(Provenance.SHA256)
        : java.util.List.of();
  }
}
