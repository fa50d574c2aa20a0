package io.cephflow.intake.format;

import java.util.List;

/**
 * What the Java inspector learned from the headers of an image it accepted.
 *
 * @param format the detected format, equal to the declared one
 * @param virtualSize guest-visible size in bytes as the header states it
 * @param fileSize size of the image file in bytes
 * @param notes harmless observations (partition table found, VHD footer only, ...)
 */
public record InspectedImage(
    DiskFormat format, long virtualSize, long fileSize, List<String> notes) {
  public InspectedImage {
    notes = List.copyOf(notes);
  }
}
