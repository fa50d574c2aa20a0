package io.cephflow.starter.api;

import io.cephflow.starter.client.CephflowClient;
import io.cephflow.starter.client.Hypervisors;
import io.cephflow.starter.client.ServerHosts;
import io.cephflow.workflows.common.TaskQueues;
import io.cephflow.workflows.server.BootFromImageRequest;
import io.cephflow.workflows.server.BootFromVolumeRequest;
import io.cephflow.workflows.server.BootFromVolumeSnapshotRequest;
import io.cephflow.workflows.server.CreateImageFromServerRequest;
import io.cephflow.workflows.server.DeleteServerRequest;
import io.cephflow.workflows.server.ServerRequests;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Servers: boot (from an image, a volume or a volume snapshot), snapshot into an image, delete. */
@RestController
@RequestMapping("/api/v1/servers")
public class ServersController {
  private static final java.util.regex.Pattern HOST =
      java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9.-]{0,62}");
  private final CephflowClient client;
  private final ApiLimits limits;
  private final Hypervisors hypervisors;
  private final ServerHosts hosts;

  public ServersController(
      CephflowClient client, ApiLimits limits, Hypervisors hypervisors, ServerHosts hosts) {
    this.client = client;
    this.limits = limits;
    this.hypervisors = hypervisors;
    this.hosts = hosts;
  }

  /**
   * The body of POST /api/v1/servers: exactly one of {@code imageId}, {@code volumeId}, or {@code
   * volumeId} + {@code snapshotId} (a new volume {@code newVolumeId}, generated when absent, is
   * made from that snapshot). {@code serverId} is generated when absent.
   */
  public record BootBody(
      @Schema(
              description = "generated when absent",
              example = "3f2a3e9e-6a53-4c1e-9d4f-2f0b8d7c1a10")
          String serverId,
      @Schema(
              description =
                  "a host with a running worker; when absent, one that reports room for it "
                      + "(see GET /api/v1/hypervisors), or 'local' when no host reports",
              example = "local")
          String hypervisor,
      @Schema(example = "9b1f0a4c-2d3e-4f50-8a6b-7c8d9e0f1a2b") String imageId,
      String volumeId,
      String snapshotId,
      String newVolumeId,
      @Schema(minimum = "1", example = "10") Integer rootDiskGb,
      @Schema(minimum = "16", example = "512") Integer memoryMiB,
      @Schema(minimum = "1", example = "1") Integer vcpus,
      @Schema(description = "refuse a boot that would download and convert instead of cloning")
          Boolean forbidSlowPath) {}

  /**
   * The body of POST /api/v1/servers/{serverId}/images; {@code imageId} is generated when absent.
   */
  public record SnapshotBody(
      @Schema(
              description = "generated when absent",
              example = "3f2a3e9e-6a53-4c1e-9d4f-2f0b8d7c1a10")
          String imageId,
      @Schema(
              requiredMode = Schema.RequiredMode.REQUIRED,
              example = "web-01 before upgrade",
              maxLength = 255)
          String name,
      String hypervisor) {}

  @PostMapping
  @ResponseStatus(HttpStatus.ACCEPTED)
  public ResponseEntity<Map<String, String>> boot(@RequestBody BootBody b) {
    String serverId = Accepted.idOrNew(b.serverId());
    int vcpus = limits.vcpus(b.vcpus());
    int memory = limits.memoryMib(b.memoryMiB());
    int rootGb =
        b.rootDiskGb() == null
            ? 0
            : (int) (limits.sizeGb("rootDiskGb", b.rootDiskGb().longValue()) >> 30);
    boolean image = present(b.imageId());
    boolean volume = present(b.volumeId());
    if (image == volume)
      throw new IllegalArgumentException("give exactly one of imageId or volumeId (+ snapshotId)");
    if (image && present(b.snapshotId()))
      throw new IllegalArgumentException("snapshotId goes with volumeId, not imageId");
    String host =
        present(b.hypervisor()) || !validId(serverId)
            ? b.hypervisor()
            : hosts.forBoot(serverId, memory).orElse(null);
    requireServed(host);
    String op;
    String newVolumeId = null;
    if (image) {
      op =
          client.bootFromImage(
              new BootFromImageRequest(
                  serverId,
                  host,
                  b.imageId(),
                  rootGb,
                  vcpus,
                  memory,
                  Boolean.TRUE.equals(b.forbidSlowPath())));
    } else if (present(b.snapshotId())) {
      newVolumeId = Accepted.idOrNew(b.newVolumeId());
      op =
          client.bootFromVolumeSnapshot(
              new BootFromVolumeSnapshotRequest(
                  serverId,
                  host,
                  b.volumeId(),
                  b.snapshotId(),
                  newVolumeId,
                  rootGb,
                  vcpus,
                  memory));
    } else {
      op =
          client.bootFromVolume(
              new BootFromVolumeRequest(serverId, host, b.volumeId(), vcpus, memory));
    }
    // the volume a snapshot boot creates is named in the answer, so the caller can find it
    Map<String, String> ids = new java.util.LinkedHashMap<>(Map.of("serverId", serverId));
    if (newVolumeId != null) ids.put("volumeId", newVolumeId);
    ids.put("hypervisor", present(host) ? host : ServerRequests.DEFAULT_HYPERVISOR);
    return Accepted.operation(op, ids);
  }

  @PostMapping("/{serverId}/images")
  @ResponseStatus(HttpStatus.ACCEPTED)
  public ResponseEntity<Map<String, String>> snapshot(
      @PathVariable String serverId, @RequestBody SnapshotBody b) {
    String imageId = Accepted.idOrNew(b.imageId());
    String host = hostOf(serverId, b.hypervisor());
    requireServed(host);
    String op =
        client.createImageFromServer(
            new CreateImageFromServerRequest(serverId, host, imageId, b.name()));
    return Accepted.operation(op, Map.of("serverId", serverId, "imageId", imageId));
  }

  @DeleteMapping("/{serverId}")
  @ResponseStatus(HttpStatus.ACCEPTED)
  public ResponseEntity<Map<String, String>> delete(
      @PathVariable String serverId,
      @RequestParam(required = false) String hypervisor,
      @RequestParam(required = false) Integer shutdownTimeoutSeconds) {
    String op =
        client.deleteServer(
            new DeleteServerRequest(
                serverId,
                hostOf(serverId, hypervisor),
                shutdownTimeoutSeconds == null ? 0 : shutdownTimeoutSeconds));
    return Accepted.operation(op, Map.of("serverId", serverId));
  }

  /** A host nobody serves is a 404 now, not a schedule-to-start timeout minutes later. */
  private void requireServed(String hypervisor) {
    String host = present(hypervisor) ? hypervisor : ServerRequests.DEFAULT_HYPERVISOR;
    if (!HOST.matcher(host).matches()) return; // the request's own validation names the rule
    if (!hypervisors.served(host)) {
      throw new RequestRefusedException(
          org.springframework.http.HttpStatus.NOT_FOUND,
          "HypervisorNotFound",
          "hypervisor",
          "no worker serves hypervisor '"
              + host
              + "' (a worker registers its host by polling "
              + TaskQueues.host(host)
              + "; is it running?)");
    }
  }

  /** The named host, else the one that reports the server's domain, else null (the default). */
  private String hostOf(String serverId, String hypervisor) {
    if (present(hypervisor) || !validId(serverId)) return hypervisor;
    return hosts.of(serverId).orElse(null);
  }

  /** Invalid ids are refused by the request's own validation, with its message. */
  private static boolean validId(String id) {
    return io.cephflow.workflows.common.Ids.isValid(id);
  }

  private static boolean present(String s) {
    return s != null && !s.isBlank();
  }
}
