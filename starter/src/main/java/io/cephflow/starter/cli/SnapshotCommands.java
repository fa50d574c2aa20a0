package io.cephflow.starter.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code cephflow snapshot list|show|delete}: volume snapshots ({@code volume snapshot} makes one).
 */
@Command(
    name = "snapshot",
    description = "Volume snapshots: list, show, delete (make one with 'volume snapshot').",
    subcommands = {
      SnapshotCommands.List_.class,
      SnapshotCommands.Show.class,
      SnapshotCommands.Delete.class
    })
final class SnapshotCommands {
  static final List<String> FIELDS =
      List.of(
          "id",
          "volumeId",
          "state",
          "sizeBytes",
          "isProtected",
          "children",
          "createdBy",
          "createdAt");
  static final List<String> USUAL = List.of("id", "volumeId", "state", "sizeBytes", "children");

  @Command(
      name = "list",
      description =
          "Lists the snapshots of a volume; without VOLUME_ID, of every volume (one "
              + "request per volume).")
  static final class List_ extends ApiCommand {
    @Parameters(
        paramLabel = "VOLUME_ID",
        arity = "0..1",
        converter = ApiCommand.Uuid.class,
        description = "the volume")
    String volume;

    @Mixin Listing listing;

    @Override
    public Integer call() {
      List<String> cols = listing.columns(output, FIELDS, USUAL);
      List<JsonNode> items = new ArrayList<>();
      if (volume != null) {
        items =
            listing.fetch(api(), ctx(), "/api/v1/volumes/" + volume + "/snapshots", Api.params());
      } else {
        if (listing.limit != null || listing.pageToken != null) {
          throw usage(
              "--limit and --page-token need a VOLUME_ID (without one, every volume is listed)");
        }
        for (JsonNode v : new Listing().fetch(api(), ctx(), "/api/v1/volumes", Api.params())) {
          if (v.path("snapshots").isEmpty()) continue;
          items.addAll(
              listing.fetch(
                  api(),
                  ctx(),
                  "/api/v1/volumes/" + v.path("id").asText() + "/snapshots",
                  Api.params()));
        }
      }
      output.many(ctx(), items, cols);
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "show",
      description = "Shows one snapshot of a volume: size, protection, the clones of it.")
  static final class Show extends ApiCommand {
    @Parameters(
        index = "0",
        paramLabel = "VOLUME_ID",
        converter = ApiCommand.Uuid.class,
        description = "the volume")
    String volume;

    @Parameters(
        index = "1",
        paramLabel = "SNAPSHOT_ID",
        converter = ApiCommand.Uuid.class,
        description = "its snapshot")
    String id;

    @Override
    public Integer call() {
      return show("/api/v1/volumes/" + volume + "/snapshots/" + id, FIELDS);
    }
  }

  @Command(
      name = "delete",
      description =
          "Deletes a snapshot of a volume (DeleteVolumeSnapshot); refused with InUse "
              + "(exit 5) while clones depend on it, unless --flatten-dependents.")
  static final class Delete extends DeleteCommand {
    @Parameters(
        index = "0",
        paramLabel = "VOLUME_ID",
        converter = ApiCommand.Uuid.class,
        description = "the volume")
    String volume;

    @Parameters(
        index = "1",
        paramLabel = "SNAPSHOT_ID",
        converter = ApiCommand.Uuid.class,
        description = "its snapshot")
    String id;

    @Override
    String path() {
      return "/api/v1/volumes/" + volume + "/snapshots/" + id;
    }

    @Override
    String idField() {
      return "snapshotId";
    }
  }
}
