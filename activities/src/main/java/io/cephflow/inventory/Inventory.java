package io.cephflow.inventory;

import io.cephflow.ceph.ImageInfo;
import io.cephflow.ceph.Rbd;
import io.cephflow.ceph.RbdException;
import io.cephflow.ceph.RecordJson;
import io.cephflow.ceph.RecordStore;
import io.cephflow.ceph.SnapshotInfo;
import io.cephflow.hosts.HostReport;
import io.cephflow.hosts.Placement;
import io.cephflow.workflows.common.Ids;
import io.cephflow.workflows.common.Provenance;
import io.cephflow.workflows.common.RbdRef;
import io.cephflow.workflows.common.ResourceRecord;
import io.cephflow.workflows.common.SnapRef;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What exists, read from Ceph each time (never from Temporal): the RBD images, snapshots and clones
 * in the three pools, the provenance stored with them, and the resource records beside them. A
 * resource is listed when Ceph holds its data or a live record of it; one with data but no record
 * (made before records existed) is {@code available}. Listings are sorted by id and paged by id;
 * each page costs a few librbd calls per item.
 */
public final class Inventory {
  private static final String IMAGE_SNAP = "snap";
  private static final String SNAPSHOT_PREFIX = "snapshot-";
  private static final String VOLUME_PREFIX = "volume-";
  private static final String DISK_SUFFIX = "_disk";

  private final Rbd rbd;
  private final RecordStore records;
  private final Supplier<List<HostReport>> hosts;
  private final Clock clock;

  /** Without hosts: servers show no host nor domain state. */
  public Inventory(Rbd rbd, RecordStore records) {
    this(rbd, records, List::of, Clock.systemUTC());
  }

  /**
   * @param hosts the hypervisors' latest reports (read once per server read or listing page)
   */
  public Inventory(Rbd rbd, RecordStore records, Supplier<List<HostReport>> hosts, Clock clock) {
    this.rbd = rbd;
    this.records = records;
    this.hosts = hosts;
    this.clock = clock;
  }

  public Page<ImageView> images(Query q) {
    TreeSet<String> ids = idsOf(RbdRef.IMAGES, "image", name -> name);
    return page(ids, q, this::image, v -> v.state(), v -> v.name());
  }

  public Optional<ImageView> image(String id) {
    Ids.require("imageId", id);
    ResourceRecord rec = record("image", id);
    RbdRef ref = new RbdRef(RbdRef.IMAGES, id);
    return read(
        ref,
        rec,
        () -> {
          ImageInfo info = rbd.images().stat(ref);
          Map<String, String> meta = rbd.metadata().list(ref);
          SnapshotInfo snap = snapshot(ref, IMAGE_SNAP);
          List<String> children =
              new java.util.ArrayList<>(
                  snap == null
                      ? List.of()
                      : names(rbd.clones().children(ref.snapshot(IMAGE_SNAP))));
          // a non-raw image's boots and volumes are clones of its raw copy: they depend on it as
          // much
          RbdRef copy = new RbdRef(RbdRef.IMAGES, RbdRef.rawCopy(id).image());
          if (meta.containsKey(Provenance.RAW_COPY)
              && rbd.images().exists(copy)
              && snapshot(copy, IMAGE_SNAP) != null) {
            children.addAll(names(rbd.clones().children(copy.snapshot(IMAGE_SNAP))));
          }
          return new ImageView(
              id,
              meta.get(Provenance.NAME),
              state(rec, true),
              info.sizeBytes(),
              number(meta.get(Provenance.VIRTUAL_SIZE)),
              meta.get(Provenance.FORMAT),
              meta.get(Provenance.SHA256),
              meta.get(Provenance.SOURCE),
              snap != null && snap.isProtected(),
              children,
              creator(rec),
              madeFrom(rec),
              createdAt(rec, meta),
              meta.get(Provenance.CHUNKED_SHA256));
        },
        () ->
            new ImageView(
                id,
                null,
                state(rec, false),
                0,
                null,
                null,
                null,
                null,
                false,
                List.of(),
                creator(rec),
                madeFrom(rec),
                createdAt(rec, Map.of()),
                null));
  }

  public Page<VolumeView> volumes(Query q) {
    requireNoName(q);
    TreeSet<String> ids =
        idsOf(
            RbdRef.VOLUMES,
            "volume",
            name -> name.startsWith(VOLUME_PREFIX) ? name.substring(VOLUME_PREFIX.length()) : null);
    return page(ids, q, this::volume, VolumeView::state, v -> null);
  }

  public Optional<VolumeView> volume(String id) {
    Ids.require("volumeId", id);
    ResourceRecord rec = record("volume", id);
    RbdRef ref = new RbdRef(RbdRef.VOLUMES, VOLUME_PREFIX + id);
    return read(
        ref,
        rec,
        () -> {
          ImageInfo info = rbd.images().stat(ref);
          Map<String, String> meta = rbd.metadata().list(ref);
          List<String> snapshots = new ArrayList<>();
          for (SnapshotInfo s : rbd.snapshots().list(ref)) {
            String sid =
                s.name().startsWith(SNAPSHOT_PREFIX)
                    ? s.name().substring(SNAPSHOT_PREFIX.length())
                    : null;
            if (Ids.isValid(sid)) snapshots.add(sid);
          }
          return new VolumeView(
              id,
              state(rec, true),
              info.sizeBytes(),
              info.parent().map(Object::toString).orElse(null),
              rbd.clones().depth(info),
              snapshots,
              rec == null ? null : rec.usedBy(),
              creator(rec),
              madeFrom(rec),
              createdAt(rec, meta));
        },
        () ->
            new VolumeView(
                id,
                state(rec, false),
                0,
                null,
                0,
                List.of(),
                null,
                creator(rec),
                madeFrom(rec),
                createdAt(rec, Map.of())));
  }

  /**
   * The snapshots of one volume (NotFound-free: a volume without snapshots, or none, lists
   * nothing).
   */
  public Page<SnapshotView> snapshots(String volumeId, Query q) {
    requireNoName(q);
    Ids.require("volumeId", volumeId);
    RbdRef ref = new RbdRef(RbdRef.VOLUMES, VOLUME_PREFIX + volumeId);
    TreeSet<String> ids = new TreeSet<>();
    try {
      for (SnapshotInfo s : rbd.snapshots().list(ref)) {
        String sid =
            s.name().startsWith(SNAPSHOT_PREFIX)
                ? s.name().substring(SNAPSHOT_PREFIX.length())
                : null;
        if (Ids.isValid(sid)) ids.add(sid);
      }
    } catch (RbdException e) {
      if (e.kind() != RbdException.Kind.NOT_FOUND) throw e;
    }
    String volume = "volume:" + volumeId;
    for (String key : records.keys(RbdRef.VOLUMES)) {
      String sid = idOfKey(key, "snapshot");
      if (sid == null || ids.contains(sid)) continue;
      ResourceRecord r = record("snapshot", sid);
      if (r != null && volume.equals(r.madeFrom())) ids.add(sid);
    }
    return page(ids, q, sid -> snapshot(volumeId, sid), SnapshotView::state, v -> null);
  }

  public Optional<SnapshotView> snapshot(String volumeId, String snapshotId) {
    Ids.require("volumeId", volumeId);
    Ids.require("snapshotId", snapshotId);
    ResourceRecord rec = record("snapshot", snapshotId);
    if (rec != null && rec.madeFrom() != null && !rec.madeFrom().equals("volume:" + volumeId))
      return Optional.empty();
    RbdRef ref = new RbdRef(RbdRef.VOLUMES, VOLUME_PREFIX + volumeId);
    SnapshotInfo snap;
    try {
      snap = snapshot(ref, SNAPSHOT_PREFIX + snapshotId);
    } catch (RbdException e) {
      if (e.kind() != RbdException.Kind.NOT_FOUND) throw e;
      snap = null;
    }
    if (snap == null) {
      if (rec == null || !rec.live()) return Optional.empty();
      return Optional.of(
          new SnapshotView(
              snapshotId,
              volumeId,
              state(rec, false),
              0,
              false,
              List.of(),
              creator(rec),
              rec.createdAt()));
    }
    SnapRef sref = ref.snapshot(snap.name());
    return Optional.of(
        new SnapshotView(
            snapshotId,
            volumeId,
            state(rec, true),
            snap.sizeBytes(),
            snap.isProtected(),
            names(rbd.clones().children(sref)),
            creator(rec),
            rec == null ? null : rec.createdAt()));
  }

  public Page<ServerView> servers(Query q) {
    requireNoName(q);
    TreeSet<String> ids =
        idsOf(
            RbdRef.VMS,
            "server",
            name ->
                name.endsWith(DISK_SUFFIX)
                    ? name.substring(0, name.length() - DISK_SUFFIX.length())
                    : null);
    List<HostReport> reports = hosts.get();
    return page(ids, q, id -> server(id, reports), ServerView::state, v -> null);
  }

  public Optional<ServerView> server(String id) {
    return server(id, hosts.get());
  }

  private Optional<ServerView> server(String id, List<HostReport> reports) {
    return unlocated(id).map(v -> v.located(Placement.hostOf(reports, id), clock.instant()));
  }

  private Optional<ServerView> unlocated(String id) {
    Ids.require("serverId", id);
    ResourceRecord rec = record("server", id);
    RbdRef disk = new RbdRef(RbdRef.VMS, id + DISK_SUFFIX);
    String volume =
        rec != null && rec.madeFrom() != null && rec.madeFrom().startsWith("volume:")
            ? rec.madeFrom().substring("volume:".length())
            : null;
    return read(
        disk,
        rec,
        () -> {
          ImageInfo info = rbd.images().stat(disk);
          return new ServerView(
              id,
              state(rec, true),
              disk.toString(),
              info.parent().map(Object::toString).orElse(null),
              info.sizeBytes(),
              volume,
              madeFrom(rec),
              creator(rec),
              createdAt(rec, rbd.metadata().list(disk)),
              null,
              null,
              null);
        },
        () ->
            new ServerView(
                id,
                state(rec, false),
                null,
                null,
                null,
                volume,
                madeFrom(rec),
                creator(rec),
                createdAt(rec, Map.of()),
                null,
                null,
                null));
  }

  // --- shared

  /**
   * Ids named by the pool's images (through {@code idOfName}) and by its records of {@code kind}.
   */
  private TreeSet<String> idsOf(String pool, String kind, Function<String, String> idOfName) {
    TreeSet<String> ids = new TreeSet<>();
    for (String name : rbd.images().list(pool)) {
      String id = idOfName.apply(name);
      if (Ids.isValid(id)) ids.add(id);
    }
    for (String key : records.keys(pool)) {
      String id = idOfKey(key, kind);
      if (id != null) ids.add(id);
    }
    return ids;
  }

  private static String idOfKey(String key, String kind) {
    String prefix = kind + ".";
    if (!key.startsWith(prefix)) return null;
    String id = key.substring(prefix.length());
    return Ids.isValid(id) ? id : null;
  }

  private static <T> Page<T> page(
      TreeSet<String> ids,
      Query q,
      Function<String, Optional<T>> view,
      Function<T, String> stateOf,
      Function<T, String> nameOf) {
    List<T> items = new ArrayList<>();
    String after = q.after();
    String last = null;
    for (String id : after == null ? ids : ids.tailSet(after, false)) {
      Optional<T> v = view.apply(id);
      if (v.isEmpty()) continue;
      String state = stateOf.apply(v.get());
      if (q.state() == null ? "deleted".equals(state) : !q.state().equals(state)) continue;
      if (q.name() != null && !q.name().equals(nameOf.apply(v.get()))) continue;
      if (items.size() == q.limit()) return new Page<>(items, Query.tokenAfter(last));
      items.add(v.get());
      last = id;
    }
    return new Page<>(items, null);
  }

  private interface Reader<T> {
    T read();
  }

  /**
   * The view of a resource whose data is {@code ref}: from Ceph while the data is there; from the
   * record alone while it is not (being created, or a tombstone); empty when neither is.
   */
  private static <T> Optional<T> read(
      RbdRef ref, ResourceRecord rec, Reader<T> withData, Reader<T> recordOnly) {
    try {
      return Optional.of(withData.read());
    } catch (RbdException e) {
      if (e.kind() != RbdException.Kind.NOT_FOUND) throw e;
    }
    return rec == null ? Optional.empty() : Optional.of(recordOnly.read());
  }

  private ResourceRecord record(String kind, String id) {
    return records
        .read(ResourceRecord.pool(kind), RecordJson.key(kind, id))
        .map(RecordJson::parse)
        .orElse(null);
  }

  private SnapshotInfo snapshot(RbdRef ref, String name) {
    return rbd.snapshots().list(ref).stream()
        .filter(s -> s.name().equals(name))
        .findFirst()
        .orElse(null);
  }

  private static List<String> names(List<RbdRef> refs) {
    return refs.stream().map(Object::toString).sorted().toList();
  }

  /**
   * The record's state in the API's words; data without a record is available (made before
   * records).
   */
  private static String state(ResourceRecord rec, boolean hasData) {
    if (rec == null) return hasData ? "available" : "deleted";
    return rec.state().name().toLowerCase().replace('_', '-');
  }

  private static String creator(ResourceRecord rec) {
    return rec == null ? ResourceRecord.UNRECORDED : ResourceRecord.workflowIdOf(rec.createdBy());
  }

  private static String madeFrom(ResourceRecord rec) {
    return rec == null ? null : rec.madeFrom();
  }

  private static String createdAt(ResourceRecord rec, Map<String, String> meta) {
    String at = meta.get(Provenance.CREATED_AT);
    return at != null ? at : rec == null ? null : rec.createdAt();
  }

  private static Long number(String v) {
    return v != null && v.matches("[0-9]{1,19}") ? Long.parseLong(v) : null;
  }

  private static void requireNoName(Query q) {
    if (q.name() != null)
      throw new IllegalArgumentException("only images have names: the name filter lists images");
  }
}
