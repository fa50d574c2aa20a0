package io.cephflow.starter.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cephflow volume create|list|show|snapshot|delete}: the volumes pool. */
@Command(
    name = "volume",
    description = "Volumes (pool 'volumes'): create, list, show, snapshot, delete.",
    subcommands = {
      VolumeCommands.Create.class,
      VolumeCommands.List_.class,
      VolumeCommands.Show.class,
      VolumeCommands.Snapshot.class,
      VolumeCommands.Delete.class
    })
final class VolumeCommands {
  static final List<String> FIELDS =
      List.of(
          "id",
          "state",
          "sizeBytes",
          "parent",
          "depth",
          "snapshots",
          "usedBy",
          "createdBy",
          "madeFrom",
          "createdAt");
  static final List<String> USUAL = List.of("id", "state", "sizeBytes", "parent", "usedBy");

  enum Flatten {
    never,
    always,
    depth
  }

  @Command(
      name = "create",
      description = {
        "Creates a volume: a clone of an image (CreateVolumeFromImage) or of a "
            + "volume's snapshot (VolumeFromSnapshot), optionally grown.",
        "Examples: cephflow volume create --image IMAGE_ID --size-gb 10 --wait",
        "          cephflow volume create --source-volume VOLUME_ID --snapshot SNAPSHOT_ID --flatten always"
      })
  static final class Create extends ApiCommand {
    @ArgGroup(exclusive = true, multiplicity = "1", order = 10)
    Source source;

    static final class Source {
      @Option(
          names = "--image",
          required = true,
          paramLabel = "IMAGE_ID",
          converter = ApiCommand.Uuid.class,
          description = "clone this image")
      String image;

      @ArgGroup(exclusive = false)
      FromSnapshot snapshot;
    }

    static final class FromSnapshot {
      @Option(
          names = "--source-volume",
          required = true,
          paramLabel = "VOLUME_ID",
          converter = ApiCommand.Uuid.class,
          description = "clone a snapshot of this volume (with --snapshot)")
      String volume;

      @Option(
          names = "--snapshot",
          required = true,
          paramLabel = "SNAPSHOT_ID",
          converter = ApiCommand.Uuid.class,
          description = "the snapshot of --source-volume to clone")
      String snapshot;

      @Option(
          names = "--flatten",
          paramLabel = "POLICY",
          description =
              "with --snapshot: ${COMPLETION-CANDIDATES} "
                  + "(default: depth, flatten when the clone chain would pass --max-clone-depth)")
      Flatten flatten;

      @Option(
          names = "--max-clone-depth",
          paramLabel = "N",
          converter = ApiCommand.NonNegative.class,
          description = "with --snapshot: the deepest clone chain kept before flattening")
      Integer maxCloneDepth;
    }

    @ArgGroup(exclusive = true, order = 20)
    Size size;

    static final class Size {
      @Option(
          names = "--size-gb",
          paramLabel = "GiB",
          converter = ApiCommand.Positive.class,
          description = "the volume's size in GiB (default: the source's)")
      Long gb;

      @Option(
          names = "--size-bytes",
          paramLabel = "BYTES",
          converter = ApiCommand.Positive.class,
          description = "or in bytes")
      Long bytes;
    }

    @Option(
        names = "--id",
        paramLabel = "VOLUME_ID",
        converter = ApiCommand.Uuid.class,
        order = 30,
        description = "the new volume's id (default: the API makes one)")
    String id;

    @Mixin Waiter.Options wait;

    @Override
    public Integer call() {
      return start(
          wait,
          List.of("volumeId"),
          () -> {
            ObjectNode body = Api.JSON.createObjectNode();
            if (id != null) body.put("volumeId", id);
            if (source.image != null) {
              body.put("imageId", source.image);
            } else {
              body.put("sourceVolumeId", source.snapshot.volume);
              body.put("snapshotId", source.snapshot.snapshot);
              if (source.snapshot.flatten != null)
                body.put("flatten", source.snapshot.flatten.name());
              if (source.snapshot.maxCloneDepth != null)
                body.put("maxCloneDepth", source.snapshot.maxCloneDepth);
            }
            if (size != null && size.gb != null) body.put("sizeGb", size.gb);
            if (size != null && size.bytes != null) body.put("sizeBytes", size.bytes);
            return api().post("/api/v1/volumes", body);
          });
    }
  }

  @Command(name = "list", description = "Lists the volumes, as Ceph holds them now.")
  static final class List_ extends ApiCommand {
    @Mixin Listing listing;

    @Override
    public Integer call() {
      return list(listing, "/api/v1/volumes", Api.params(), FIELDS, USUAL);
    }
  }

  @Command(
      name = "show",
      description = "Shows one volume: size, parent, clone depth, snapshots, the server using it.")
  static final class Show extends ApiCommand {
    @Parameters(
        paramLabel = "VOLUME_ID",
        converter = ApiCommand.Uuid.class,
        description = "the volume")
    String id;

    @Override
    public Integer call() {
      return show("/api/v1/volumes/" + id, FIELDS);
    }
  }

  @Command(
      name = "snapshot",
      description = {
        "Snapshots a volume (CreateVolumeSnapshot). The snapshots: cephflow "
            + "snapshot list|show|delete."
      })
  static final class Snapshot extends ApiCommand {
    @Parameters(
        paramLabel = "VOLUME_ID",
        converter = ApiCommand.Uuid.class,
        description = "the volume")
    String volume;

    @Option(
        names = "--id",
        paramLabel = "SNAPSHOT_ID",
        converter = ApiCommand.Uuid.class,
        description = "the new snapshot's id (default: the API makes one)")
    String id;

    @Mixin Waiter.Options wait;

    @Override
    public Integer call() {
      return start(
          wait,
          List.of("snapshotId"),
          () -> {
            ObjectNode body = Api.JSON.createObjectNode();
            if (id != null) body.put("snapshotId", id);
            return api().post("/api/v1/volumes/" + volume + "/snapshots", body);
          });
    }
  }

  @Command(
      name = "delete",
      description =
          "Deletes a volume (DeleteVolume); refused with InUse (exit 5) while a server "
              + "boots from it or clones depend on it, unless --flatten-dependents.")
  static final class Delete extends DeleteCommand {
    @Parameters(
        paramLabel = "VOLUME_ID",
        converter = ApiCommand.Uuid.class,
        description = "the volume")
    String id;

    @Override
    String path() {
      return "/api/v1/volumes/" + id;
    }

    @Override
    String idField() {
      return "volumeId";
    }
  }
}
