package io.cephflow.starter.api;

import io.cephflow.starter.client.CephflowClient;
import io.cephflow.workflows.volume.CreateVolumeFromImageRequest;
import io.cephflow.workflows.volume.CreateVolumeSnapshotRequest;
import io.cephflow.workflows.volume.DeleteVolumeRequest;
import io.cephflow.workflows.volume.DeleteVolumeSnapshotRequest;
import io.cephflow.workflows.volume.FlattenPolicy;
import io.cephflow.workflows.volume.VolumeFromSnapshotRequest;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.Locale;
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

/** Volumes and their snapshots: each request starts (or attaches to) one flow. */
@RestController
@RequestMapping("/api/v1/volumes")
public class VolumesController {
  private final CephflowClient client;
  private final ApiLimits limits;

  public VolumesController(CephflowClient client, ApiLimits limits) {
    this.client = client;
    this.limits = limits;
  }

  /**
   * The body of POST /api/v1/volumes: a size ({@code sizeGb}, GiB as in Cinder, or {@code
   * sizeBytes}; none keeps the source's) and one source: {@code imageId}, or {@code sourceVolumeId}
   * + {@code snapshotId} with {@code flatten} (never, always, depth or a boolean) and {@code
   * maxCloneDepth}.
   */
  public record CreateBody(
      @Schema(
              description = "generated when absent",
              example = "3f2a3e9e-6a53-4c1e-9d4f-2f0b8d7c1a10")
          String volumeId,
      @Schema(
              description = "GiB; or sizeBytes; neither keeps the source's size",
              example = "10",
              minimum = "1")
          Long sizeGb,
      @Schema(minimum = "1") Long sizeBytes,
      @Schema(
              description = "the source image (or sourceVolumeId + snapshotId)",
              example = "9b1f0a4c-2d3e-4f50-8a6b-7c8d9e0f1a2b")
          String imageId,
      String sourceVolumeId,
      String snapshotId,
      @Schema(
              allowableValues = {"never", "always", "depth", "true", "false"},
              defaultValue = "depth")
          String flatten,
      @Schema(minimum = "0") Integer maxCloneDepth) {}

  public record SnapshotBody(
      @Schema(
              description = "generated when absent",
              example = "3f2a3e9e-6a53-4c1e-9d4f-2f0b8d7c1a10")
          String snapshotId) {}

  @PostMapping
  @ResponseStatus(HttpStatus.ACCEPTED)
  public ResponseEntity<Map<String, String>> create(@RequestBody CreateBody body) {
    String volumeId = Accepted.idOrNew(body.volumeId());
    long size = sizeBytes(body, limits);
    boolean fromImage = body.imageId() != null;
    boolean fromSnapshot = body.sourceVolumeId() != null || body.snapshotId() != null;
    if (fromImage == fromSnapshot) {
      throw new IllegalArgumentException(
          "give exactly one source: imageId, or sourceVolumeId and snapshotId");
    }
    String op;
    if (fromImage) {
      if (body.flatten() != null || body.maxCloneDepth() != null) {
        throw new IllegalArgumentException(
            "flatten and maxCloneDepth apply to volumes from snapshots only");
      }
      op =
          client.createVolumeFromImage(
              new CreateVolumeFromImageRequest(volumeId, body.imageId(), size));
    } else {
      op =
          client.createVolumeFromSnapshot(
              new VolumeFromSnapshotRequest(
                  volumeId,
                  body.sourceVolumeId(),
                  body.snapshotId(),
                  size,
                  flattenPolicy(body.flatten()),
                  body.maxCloneDepth() == null ? 0 : body.maxCloneDepth()));
    }
    return Accepted.operation(op, "volumeId", volumeId);
  }

  @PostMapping("/{volumeId}/snapshots")
  @ResponseStatus(HttpStatus.ACCEPTED)
  public ResponseEntity<Map<String, String>> snapshot(
      @PathVariable String volumeId, @RequestBody(required = false) SnapshotBody body) {
    String snapshotId = Accepted.idOrNew(body == null ? null : body.snapshotId());
    String op = client.createVolumeSnapshot(new CreateVolumeSnapshotRequest(volumeId, snapshotId));
    return Accepted.operation(op, "snapshotId", snapshotId);
  }

  @DeleteMapping("/{volumeId}")
  @ResponseStatus(HttpStatus.ACCEPTED)
  public ResponseEntity<Map<String, String>> delete(
      @PathVariable String volumeId,
      @RequestParam(defaultValue = "false") boolean flattenDependents) {
    String op = client.deleteVolume(new DeleteVolumeRequest(volumeId, flattenDependents));
    return Accepted.operation(op, "volumeId", volumeId);
  }

  @DeleteMapping("/{volumeId}/snapshots/{snapshotId}")
  @ResponseStatus(HttpStatus.ACCEPTED)
  public ResponseEntity<Map<String, String>> deleteSnapshot(
      @PathVariable String volumeId,
      @PathVariable String snapshotId,
      @RequestParam(defaultValue = "false") boolean flattenDependents) {
    String op =
        client.deleteVolumeSnapshot(
            new DeleteVolumeSnapshotRequest(volumeId, snapshotId, flattenDependents));
    return Accepted.operation(op, "snapshotId", snapshotId);
  }

  static long sizeBytes(CreateBody body, ApiLimits limits) {
    if (body.sizeGb() != null && body.sizeBytes() != null) {
      throw new IllegalArgumentException("give sizeGb or sizeBytes, not both");
    }
    return body.sizeBytes() != null
        ? limits.size("sizeBytes", body.sizeBytes())
        : limits.sizeGb("sizeGb", body.sizeGb());
  }

  static FlattenPolicy flattenPolicy(String flatten) {
    if (flatten == null || flatten.isBlank()) return FlattenPolicy.DEPTH;
    return switch (flatten.toLowerCase(Locale.ROOT)) {
      case "true", "always" -> FlattenPolicy.ALWAYS;
      case "false", "never" -> FlattenPolicy.NEVER;
      case "depth" -> FlattenPolicy.DEPTH;
      default ->
          throw new IllegalArgumentException(
              "flatten must be never, always or depth (or a boolean), got '" + flatten + "'");
    };
  }
}
