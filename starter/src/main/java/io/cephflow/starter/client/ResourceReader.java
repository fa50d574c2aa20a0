package io.cephflow.starter.client;

import io.cephflow.ceph.CephConfig;
import io.cephflow.ceph.RbdException;
import io.cephflow.ceph.librbd.CephCluster;
import io.cephflow.ceph.librbd.Librbd;
import io.cephflow.ceph.librbd.RadosRecordStore;
import io.cephflow.hosts.HostReport;
import io.cephflow.hosts.HostReports;
import io.cephflow.inventory.ImageView;
import io.cephflow.inventory.Inventory;
import io.cephflow.inventory.Page;
import io.cephflow.inventory.Query;
import io.cephflow.inventory.ServerView;
import io.cephflow.inventory.SnapshotView;
import io.cephflow.inventory.VolumeView;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * The typed reads: what exists, from Ceph (see {@link Inventory}). Connects on first use, and again
 * on the next read after a failed connection, so the API starts (and starts flows) while Ceph is
 * away; a read then fails with {@link CephUnavailableException}.
 */
public final class ResourceReader implements AutoCloseable {
  /** A tombstone: the id was used and the resource deleted; by id it is not found. */
  private static final String DELETED = "deleted";

  private final CephConfig config;
  private CephCluster cluster;
  private Inventory inventory;
  private HostReports hosts;

  public ResourceReader(CephConfig config) {
    this.config = config;
  }

  public Page<ImageView> images(Query q) {
    return call(i -> i.images(q));
  }

  public ImageView image(String id) {
    return found("image", id, call(i -> i.image(id)).filter(v -> !DELETED.equals(v.state())));
  }

  public Page<VolumeView> volumes(Query q) {
    return call(i -> i.volumes(q));
  }

  public VolumeView volume(String id) {
    return found("volume", id, call(i -> i.volume(id)).filter(v -> !DELETED.equals(v.state())));
  }

  public Page<SnapshotView> snapshots(String volumeId, Query q) {
    return call(i -> i.snapshots(volumeId, q));
  }

  public SnapshotView snapshot(String volumeId, String snapshotId) {
    return found(
        "snapshot",
        snapshotId,
        call(i -> i.snapshot(volumeId, snapshotId)).filter(v -> !DELETED.equals(v.state())));
  }

  public Page<ServerView> servers(Query q) {
    return call(i -> i.servers(q));
  }

  public ServerView server(String id) {
    return found("server", id, call(i -> i.server(id)).filter(v -> !DELETED.equals(v.state())));
  }

  /** The hypervisors' latest reports, fresh or not (see {@link HostReport#fresh}). */
  public List<HostReport> hostReports() {
    inventory();
    try {
      return hosts.all();
    } catch (RbdException e) {
      if (e.kind() == RbdException.Kind.TIMED_OUT)
        throw new CephUnavailableException(e.getMessage());
      throw e;
    }
  }

  /** The hypervisors that reported, alive or not, by name. */
  public List<io.cephflow.hosts.HostView> hypervisors() {
    java.time.Instant now = Clock.systemUTC().instant();
    return hostReports().stream().map(r -> io.cephflow.hosts.HostView.of(r, now)).toList();
  }

  private static <T> T found(String kind, String id, Optional<T> view) {
    return view.orElseThrow(
        () -> new ResourceNotFoundException(kind + ":" + id + " does not exist"));
  }

  private <T> T call(java.util.function.Function<Inventory, T> read) {
    try {
      return read.apply(inventory());
    } catch (RbdException e) {
      if (e.kind() == RbdException.Kind.TIMED_OUT)
        throw new CephUnavailableException(e.getMessage());
      throw e;
    }
  }

  private synchronized Inventory inventory() {
    if (inventory == null) {
      try {
        cluster = CephCluster.connect(config); // loads librados on a stack of its own
      } catch (RbdException e) {
        throw new CephUnavailableException(
            "cannot reach Ceph to read what exists: " + e.getMessage());
      }
      hosts = new HostReports(new RadosRecordStore(cluster, HostReports.NAMESPACE));
      inventory =
          new Inventory(
              Librbd.over(cluster, 1),
              new RadosRecordStore(cluster),
              hosts::all,
              Clock.systemUTC());
    }
    return inventory;
  }

  @Override
  public synchronized void close() {
    if (cluster != null) cluster.close();
  }

  /** The resource is not there (never was, or was deleted): a 404. */
  public static class ResourceNotFoundException extends RuntimeException {
    public ResourceNotFoundException(String message) {
      super(message);
    }
  }

  /** Ceph cannot be reached for a read: a 503. */
  public static class CephUnavailableException extends RuntimeException {
    public CephUnavailableException(String message) {
      super(message);
    }
  }
}
