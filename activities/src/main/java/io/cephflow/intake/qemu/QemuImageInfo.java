package io.cephflow.intake.qemu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The parts of {@code qemu-img info --output=json} intake cares about.
 *
 * @param format qemu driver name ("raw", "qcow2", "vpc", ...)
 * @param virtualSize guest-visible size in bytes
 * @param actualSize bytes allocated on the host for the file
 * @param backingFilename backing-filename or full-backing-filename, if qemu reports one
 * @param dataFile qcow2 format-specific data-file, if any
 * @param extentFiles vmdk extent file names as qemu resolved them
 */
public record QemuImageInfo(
    String format,
    long virtualSize,
    long actualSize,
    Optional<String> backingFilename,
    Optional<String> dataFile,
    List<String> extentFiles) {

  private static final ObjectMapper JSON = new ObjectMapper();

  public QemuImageInfo {
    extentFiles = List.copyOf(extentFiles);
  }

  static QemuImageInfo parse(String json) throws IOException {
    JsonNode root = JSON.readTree(json);
    if (root == null
        || !root.isObject()
        || !root.hasNonNull("format")
        || !root.hasNonNull("virtual-size")) {
      throw new IOException("qemu-img info printed no usable JSON");
    }
    Optional<String> backing =
        text(root, "backing-filename").or(() -> text(root, "full-backing-filename"));
    JsonNode data = root.path("format-specific").path("data");
    List<String> extents = new ArrayList<>();
    for (JsonNode extent : data.path("extents")) {
      text(extent, "filename").ifPresent(extents::add);
    }
    return new QemuImageInfo(
        root.get("format").asText(),
        root.get("virtual-size").asLong(),
        root.path("actual-size").asLong(0),
        backing,
        text(data, "data-file"),
        extents);
  }

  private static Optional<String> text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? Optional.empty() : Optional.of(v.asText());
  }
}
