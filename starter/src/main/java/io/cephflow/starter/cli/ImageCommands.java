package io.cephflow.starter.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cephflow image upload|list|show|delete}: the images pool. */
@Command(
    name = "image",
    description = "Images (pool 'images'): upload, list, show, delete.",
    subcommands = {
      ImageCommands.Upload.class,
      ImageCommands.List_.class,
      ImageCommands.Show.class,
      ImageCommands.Delete.class
    })
final class ImageCommands {
  static final List<String> FIELDS =
      List.of(
          "id",
          "name",
          "state",
          "sizeBytes",
          "virtualSizeBytes",
          "diskFormat",
          "sha256",
          "source",
          "snapshotProtected",
          "children",
          "createdBy",
          "madeFrom",
          "createdAt",
          "chunkedSha256");
  static final List<String> USUAL = List.of("id", "name", "state", "diskFormat", "sizeBytes");
  private static final Pattern URL_SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*:");

  enum DiskFormat {
    raw,
    qcow2,
    vmdk,
    vhd,
    vhdx,
    vdi,
    iso
  }

  enum Conversion {
    raw
  }

  /**
   * A URL (anything with a scheme: http:, https:, file:) goes as it is; a path is made absolute
   * against the current directory, as a user typing a relative path means. The worker reads it on
   * its host, and only under its allowed directories.
   */
  static String source(String source) {
    if (URL_SCHEME.matcher(source).lookingAt()) return source;
    return Path.of(source).toAbsolutePath().normalize().toString();
  }

  @Command(
      name = "upload",
      description = {
        "Uploads an image: UploadImage streams a raw disk straight in; other formats "
            + "are inspected (and refused when unsafe) before anything reads them.",
        "Example: cephflow image upload --name debian-12 --source incoming/debian-12.qcow2 --disk-format qcow2 --wait"
      })
  static final class Upload extends ApiCommand {
    @Option(
        names = "--name",
        required = true,
        paramLabel = "NAME",
        description = "the image's name (1-255 printable characters)")
    String name;

    @Option(
        names = "--source",
        required = true,
        paramLabel = "PATH|URL",
        description =
            "a path (made absolute here; "
                + "the worker reads it on its host, under its allowed directories only) or an http(s):// or file: URL")
    String source;

    @Option(
        names = "--disk-format",
        paramLabel = "DISK_FORMAT",
        defaultValue = "raw",
        description =
            "what the source is: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}); checked, never trusted")
    DiskFormat diskFormat;

    @Option(
        names = "--checksum",
        paramLabel = "sha256:HEX|sha512:HEX|sha256",
        description =
            "the source's expected "
                + "checksum, verified; or 'sha256' alone: compute and record the full SHA-256 too (default: only the chunked "
                + "SHA-256 of 4 MiB chunks is recorded, see docs/intake.md)")
    String checksum;

    @Option(
        names = "--id",
        paramLabel = "IMAGE_ID",
        converter = ApiCommand.Uuid.class,
        description =
            "the new image's id (default: the API makes one); repeating a request with the same id attaches to it")
    String id;

    @Option(
        names = "--convert",
        paramLabel = "STORED_FORMAT",
        description =
            "${COMPLETION-CANDIDATES}: convert a non-raw "
                + "source at upload, so every boot and volume clones it (default: kept as it is, converted once on first use)")
    Conversion convert;

    @Mixin Waiter.Options wait;

    @Override
    public Integer call() {
      return start(
          wait,
          List.of("imageId"),
          () -> {
            ObjectNode body = Api.JSON.createObjectNode();
            if (id != null) body.put("imageId", id);
            body.put("name", name);
            body.put("source", source(source));
            body.put("diskFormat", diskFormat.name());
            if (checksum != null) body.put("checksum", checksum);
            if (convert != null) body.put("convert", convert.name());
            return api().post("/api/v1/images", body);
          });
    }
  }

  @Command(name = "list", description = "Lists the images, as Ceph holds them now.")
  static final class List_ extends ApiCommand {
    @Mixin Listing listing;

    @Option(names = "--name", paramLabel = "NAME", description = "only images of exactly this name")
    String name;

    @Override
    public Integer call() {
      return list(listing, "/api/v1/images", Api.params("name", name), FIELDS, USUAL);
    }
  }

  @Command(
      name = "show",
      description = "Shows one image: size, format, checksum, source, protection, clones, state.")
  static final class Show extends ApiCommand {
    @Parameters(
        paramLabel = "IMAGE_ID",
        converter = ApiCommand.Uuid.class,
        description = "the image")
    String id;

    @Override
    public Integer call() {
      return show("/api/v1/images/" + id, FIELDS);
    }
  }

  @Command(
      name = "delete",
      description =
          "Deletes an image (DeleteImage); refused with InUse (exit 5) while clones "
              + "depend on it, unless --flatten-dependents.")
  static final class Delete extends DeleteCommand {
    @Parameters(
        paramLabel = "IMAGE_ID",
        converter = ApiCommand.Uuid.class,
        description = "the image")
    String id;

    @Override
    String path() {
      return "/api/v1/images/" + id;
    }

    @Override
    String idField() {
      return "imageId";
    }
  }
}
