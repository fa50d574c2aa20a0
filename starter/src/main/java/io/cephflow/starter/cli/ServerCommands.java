package io.cephflow.starter.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cephflow server boot|list|show|snapshot|delete}: libvirt guests on RBD disks. */
@Command(
    name = "server",
    description = "Servers (libvirt guests on RBD disks): boot, list, show, snapshot, delete.",
    subcommands = {
      ServerCommands.Boot.class,
      ServerCommands.List_.class,
      ServerCommands.Show.class,
      ServerCommands.Snapshot.class,
      ServerCommands.Delete.class
    })
final class ServerCommands {
  static final List<String> FIELDS =
      List.of(
          "id",
          "state",
          "host",
          "domainState",
          "disk",
          "diskParent",
          "diskSizeBytes",
          "volumeId",
          "madeFrom",
          "createdBy",
          "createdAt",
          "hostReportedAt");
  static final List<String> USUAL =
      List.of("id", "state", "host", "domainState", "madeFrom", "disk", "volumeId");

  @Command(
      name = "boot",
      description = {
        "Boots a server from an image (BootFromImage: a clone of it as its disk), a "
            + "volume (BootFromVolume), or a volume's snapshot (BootFromVolumeSnapshot: a new volume from it).",
        "Example: cephflow server boot --image IMAGE_ID --memory-mib 512 --wait"
      })
  static final class Boot extends ApiCommand {
    @ArgGroup(exclusive = true, multiplicity = "1", order = 10)
    Source source;

    static final class Source {
      @Option(
          names = "--image",
          required = true,
          paramLabel = "IMAGE_ID",
          converter = ApiCommand.Uuid.class,
          description = "boot from a clone of this image")
      String image;

      @ArgGroup(exclusive = false)
      FromVolume volume;
    }

    static final class FromVolume {
      @Option(
          names = "--volume",
          required = true,
          paramLabel = "VOLUME_ID",
          converter = ApiCommand.Uuid.class,
          description =
              "boot from this volume (or, with --snapshot, from a new volume made from its snapshot)")
      String volume;

      @Option(
          names = "--snapshot",
          paramLabel = "SNAPSHOT_ID",
          converter = ApiCommand.Uuid.class,
          description = "with --volume: boot from a new volume made from this snapshot of it")
      String snapshot;

      @Option(
          names = "--new-volume-id",
          paramLabel = "VOLUME_ID",
          converter = ApiCommand.Uuid.class,
          description = "with --snapshot: the new volume's id (default: the API makes one)")
      String newVolume;
    }

    @Option(
        names = "--id",
        paramLabel = "SERVER_ID",
        converter = ApiCommand.Uuid.class,
        order = 20,
        description = "the new server's id (default: the API makes one)")
    String id;

    @Option(
        names = "--hypervisor",
        paramLabel = "HOST",
        order = 21,
        description =
            "the host whose worker runs it (default: one that reports room for it, see hypervisor list); "
                + "a host nobody serves is a 404 (exit 4), no host with room a 409 (exit 5)")
    String hypervisor;

    @Option(
        names = "--root-gb",
        paramLabel = "GiB",
        converter = ApiCommand.Positive.class,
        order = 22,
        description = "grow its root disk to this size (default: the image's)")
    Long rootGb;

    @Option(
        names = "--memory-mib",
        paramLabel = "MiB",
        converter = ApiCommand.Positive.class,
        order = 23,
        description = "its memory (default: the API's)")
    Long memoryMib;

    @Option(
        names = "--vcpus",
        paramLabel = "N",
        converter = ApiCommand.Positive.class,
        order = 24,
        description = "its virtual CPUs (default: the API's)")
    Long vcpus;

    @Option(
        names = "--forbid-slow-path",
        order = 25,
        description =
            "refuse a boot that would download and convert the image instead of cloning it")
    boolean forbidSlowPath;

    @Mixin Waiter.Options wait;

    @Override
    public Integer call() {
      FromVolume v = source.volume;
      if (v != null && v.newVolume != null && v.snapshot == null)
        throw usage("--new-volume-id goes with --snapshot");
      List<String> ids =
          v != null && v.snapshot != null ? List.of("serverId", "volumeId") : List.of("serverId");
      return start(
          wait,
          ids,
          () -> {
            ObjectNode body = Api.JSON.createObjectNode();
            if (id != null) body.put("serverId", id);
            if (hypervisor != null) body.put("hypervisor", hypervisor);
            if (source.image != null) body.put("imageId", source.image);
            if (v != null) {
              body.put("volumeId", v.volume);
              if (v.snapshot != null) body.put("snapshotId", v.snapshot);
              if (v.newVolume != null) body.put("newVolumeId", v.newVolume);
            }
            if (rootGb != null) body.put("rootDiskGb", rootGb);
            if (memoryMib != null) body.put("memoryMiB", memoryMib);
            if (vcpus != null) body.put("vcpus", vcpus);
            if (forbidSlowPath) body.put("forbidSlowPath", true);
            return api().post("/api/v1/servers", body);
          });
    }
  }

  @Command(
      name = "list",
      description =
          "Lists the servers: records and disks in Ceph, host and domain state from the hosts' reports.")
  static final class List_ extends ApiCommand {
    @Mixin Listing listing;

    @Override
    public Integer call() {
      return list(listing, "/api/v1/servers", Api.params(), FIELDS, USUAL);
    }
  }

  @Command(
      name = "show",
      description = "Shows one server: its disk or volume, what it was made from, its state.")
  static final class Show extends ApiCommand {
    @Parameters(
        paramLabel = "SERVER_ID",
        converter = ApiCommand.Uuid.class,
        description = "the server")
    String id;

    @Override
    public Integer call() {
      return show("/api/v1/servers/" + id, FIELDS);
    }
  }

  @Command(
      name = "snapshot",
      description = {
        "Makes an image of a server's disk (CreateImageFromServer); the guest is "
            + "paused only for the snapshot.",
        "Example: cephflow server snapshot SERVER_ID --name before-upgrade --wait"
      })
  static final class Snapshot extends ApiCommand {
    @Parameters(
        paramLabel = "SERVER_ID",
        converter = ApiCommand.Uuid.class,
        description = "the server")
    String server;

    @Option(
        names = "--name",
        required = true,
        paramLabel = "NAME",
        description = "the new image's name")
    String name;

    @Option(
        names = "--image-id",
        paramLabel = "IMAGE_ID",
        converter = ApiCommand.Uuid.class,
        description = "the new image's id (default: the API makes one)")
    String imageId;

    @Option(
        names = "--hypervisor",
        paramLabel = "HOST",
        description = "the host that runs it (default: local)")
    String hypervisor;

    @Mixin Waiter.Options wait;

    @Override
    public Integer call() {
      return start(
          wait,
          List.of("serverId", "imageId"),
          () -> {
            ObjectNode body = Api.JSON.createObjectNode();
            if (imageId != null) body.put("imageId", imageId);
            body.put("name", name);
            if (hypervisor != null) body.put("hypervisor", hypervisor);
            return api().post("/api/v1/servers/" + server + "/images", body);
          });
    }
  }

  @Command(
      name = "delete",
      description = {
        "Deletes a server (DeleteServer): ACPI shutdown, then power off after "
            + "--shutdown-timeout, then its disk.",
        "Example: cephflow server delete SERVER_ID --shutdown-timeout 5 --wait"
      })
  static final class Delete extends ApiCommand {
    @Parameters(
        paramLabel = "SERVER_ID",
        converter = ApiCommand.Uuid.class,
        description = "the server")
    String id;

    @Option(
        names = "--hypervisor",
        paramLabel = "HOST",
        description = "the host that runs it (default: local)")
    String hypervisor;

    @Option(
        names = "--shutdown-timeout",
        paramLabel = "SECONDS",
        converter = ApiCommand.Positive.class,
        description =
            "how long the guest gets to power off on ACPI before it is forced off (1-3600; default: the "
                + "API's, 30 s)")
    Long shutdownTimeout;

    @Mixin Waiter.Options wait;

    @Override
    public Integer call() {
      if (shutdownTimeout != null && shutdownTimeout > 3600) {
        throw usage("--shutdown-timeout must be 1..3600 seconds, got " + shutdownTimeout);
      }
      return start(
          wait,
          List.of("serverId"),
          () ->
              api()
                  .delete(
                      "/api/v1/servers/" + id,
                      Api.params(
                          "hypervisor", hypervisor, "shutdownTimeoutSeconds", shutdownTimeout)));
    }
  }
}
