package io.cephflow.starter.api;

import io.cephflow.inventory.ImageView;
import io.cephflow.inventory.Page;
import io.cephflow.inventory.Query;
import io.cephflow.inventory.ServerView;
import io.cephflow.inventory.SnapshotView;
import io.cephflow.inventory.VolumeView;
import io.cephflow.starter.client.ResourceReader;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import org.springdoc.core.annotations.ParameterObject;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * What exists, read from Ceph on every request: images, volumes, volume snapshots, servers and the
 * hypervisors, by id and listed ({@code limit}, opaque {@code pageToken}, {@code state}; images
 * also by {@code name}).
 */
@RestController
@RequestMapping("/api/v1")
public class ListingsController {
  private final ResourceReader reader;

  public ListingsController(ResourceReader reader) {
    this.reader = reader;
  }

  /**
   * A listing's query parameters, bound by name; absent ones take the listing's defaults. Each is
   * its own optional query parameter in the document (as one object it was a required 'p' that
   * Swagger UI filled with placeholders, a 400).
   */
  @ParameterObject
  public record ListParams(
      @Parameter(description = "page size (default " + Query.DEFAULT_LIMIT + ")")
          @Schema(minimum = "1", maximum = "" + Query.MAX_LIMIT, example = "100")
          Integer limit,
      @Parameter(description = "the nextPageToken of the previous page") String pageToken,
      @Parameter(description = "images only: exact name") String name,
      @Parameter(description = "lifecycle state; deleted lists the tombstones")
          @Schema(
              allowableValues = {"creating", "available", "in-use", "deleting", "error", "deleted"})
          String state) {
    Query query() {
      return new Query(limit == null ? 0 : limit, pageToken, name, state);
    }
  }

  @GetMapping("/images")
  public Page<ImageView> images(ListParams p) {
    return reader.images(p.query());
  }

  @GetMapping("/images/{imageId}")
  public ImageView image(@PathVariable String imageId) {
    return reader.image(imageId);
  }

  @GetMapping("/volumes")
  public Page<VolumeView> volumes(ListParams p) {
    return reader.volumes(p.query());
  }

  @GetMapping("/volumes/{volumeId}")
  public VolumeView volume(@PathVariable String volumeId) {
    return reader.volume(volumeId);
  }

  @GetMapping("/volumes/{volumeId}/snapshots")
  public Page<SnapshotView> snapshots(@PathVariable String volumeId, ListParams p) {
    return reader.snapshots(volumeId, p.query());
  }

  @GetMapping("/volumes/{volumeId}/snapshots/{snapshotId}")
  public SnapshotView snapshot(@PathVariable String volumeId, @PathVariable String snapshotId) {
    return reader.snapshot(volumeId, snapshotId);
  }

  @GetMapping("/servers")
  public Page<ServerView> servers(ListParams p) {
    return reader.servers(p.query());
  }

  @GetMapping("/servers/{serverId}")
  public ServerView server(@PathVariable String serverId) {
    return reader.server(serverId);
  }

  /** The hypervisors that reported (each worker writes its report to Ceph every few seconds). */
  @GetMapping("/hypervisors")
  public java.util.List<io.cephflow.hosts.HostView> hypervisors() {
    return reader.hypervisors();
  }
}
