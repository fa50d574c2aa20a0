package io.cephflow.audit;

import io.cephflow.activities.ActivityErrors;
import io.cephflow.activities.CephflowActivities;
import io.cephflow.ceph.Rbd;
import io.cephflow.ceph.RbdAges;
import io.cephflow.ceph.RbdException;
import io.cephflow.ceph.RecordJson;
import io.cephflow.ceph.RecordStore;
import io.cephflow.workflows.audit.AuditActivities;
import io.cephflow.workflows.audit.Category;
import io.cephflow.workflows.audit.ClusterListing;
import io.cephflow.workflows.audit.ClusterPage;
import io.cephflow.workflows.audit.Finding;
import io.cephflow.workflows.audit.Observed;
import io.cephflow.workflows.common.RbdRef;
import io.cephflow.workflows.common.ResourceRecord;
import io.cephflow.workflows.common.SnapRef;
import io.temporal.failure.ApplicationFailure;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link AuditActivities} over librbd, the record store and Temporal (through the two functions
 * given).
 */
public class AuditActivitiesImpl implements AuditActivities, CephflowActivities {
  private static final Logger log = LoggerFactory.getLogger(AuditActivitiesImpl.class);
  static final List<String> POOLS = List.of(RbdRef.IMAGES, RbdRef.VMS, RbdRef.VOLUMES);
  static final String REAP_FAILED = "ReapFailed";

  private final Rbd rbd;
  private final RbdAges ages;
  private final RecordStore records;
  private final ReapGuard guard;
  private final Predicate<String> running;
  private final LongSupplier longestRunning;
  private final AuditSettings settings;
  private final Clock clock;

  /**
   * @param running whether an operation ({@code <workflow id>@<run id>}) still runs
   * @param longestRunning the age in seconds of the oldest running operation, audits excluded
   */
  public AuditActivitiesImpl(
      Rbd rbd,
      RbdAges ages,
      RecordStore records,
      Predicate<String> running,
      LongSupplier longestRunning,
      AuditSettings settings,
      Clock clock) {
    this.rbd = rbd;
    this.ages = ages;
    this.records = records;
    this.guard = new ReapGuard(records);
    this.running = running;
    this.longestRunning = longestRunning;
    this.settings = settings;
    this.clock = clock;
  }

  @Override
  public ClusterListing listCluster() {
    try {
      List<Observed> objects = new ArrayList<>();
      List<ResourceRecord> recs = new ArrayList<>();
      for (String pool : POOLS) {
        for (String name : rbd.images().list(pool)) images(pool, name, objects);
        for (RbdAges.TrashEntry t : ages.trash(pool)) {
          objects.add(
              new Observed(
                  Observed.TRASH, pool + "/" + t.id(), null, t.deletedAtEpochSecond(), t.name()));
        }
        for (String key : records.keys(pool)) {
          try {
            records
                .read(pool, key)
                .map(RecordJson::parse)
                .filter(AuditActivitiesImpl::wellFormed)
                .ifPresent(recs::add);
          } catch (IllegalArgumentException e) {
            log.warn("audit: unreadable record {}/{}: {}", pool, key, e.getMessage());
          }
        }
      }
      return new ClusterListing(
          objects,
          recs,
          settings.minimumAge().toSeconds(),
          settings.hosts(),
          clock.instant().getEpochSecond());
    } catch (RbdException e) {
      throw ActivityErrors.of(e);
    }
  }

  /**
   * Lists the names of every pool (cheap: one call per pool and kind), sorts them into one order
   * and reads only the page's entries (an image's ages and snapshots, a record's value).
   */
  @Override
  public ClusterPage listClusterPage(String after, int limit) {
    try {
      java.util.TreeMap<String, Runnable> entries = new java.util.TreeMap<>();
      List<Observed> objects = new ArrayList<>();
      List<ResourceRecord> recs = new ArrayList<>();
      for (String pool : POOLS) {
        for (String name : rbd.images().list(pool))
          entries.put(pool + "/1/" + name, () -> images(pool, name, objects));
        for (RbdAges.TrashEntry t : ages.trash(pool)) {
          entries.put(
              pool + "/2/" + t.id(),
              () ->
                  objects.add(
                      new Observed(
                          Observed.TRASH,
                          pool + "/" + t.id(),
                          null,
                          t.deletedAtEpochSecond(),
                          t.name())));
        }
        for (String key : records.keys(pool))
          entries.put(pool + "/3/" + key, () -> record(pool, key, recs));
      }
      var page = (after == null ? entries : entries.tailMap(after, false)).entrySet().iterator();
      String last = null;
      for (int n = 0; n < limit && page.hasNext(); n++) {
        var e = page.next();
        e.getValue().run();
        last = e.getKey();
      }
      return new ClusterPage(
          objects,
          recs,
          page.hasNext() ? last : null,
          settings.minimumAge().toSeconds(),
          settings.hosts(),
          clock.instant().getEpochSecond());
    } catch (RbdException e) {
      throw ActivityErrors.of(e);
    }
  }

  private void record(String pool, String key, List<ResourceRecord> out) {
    try {
      records
          .read(pool, key)
          .map(RecordJson::parse)
          .filter(AuditActivitiesImpl::wellFormed)
          .ifPresent(out::add);
    } catch (IllegalArgumentException e) {
      log.warn("audit: unreadable record {}/{}: {}", pool, key, e.getMessage());
    }
  }

  /**
   * A record of a kind cephflow keeps, with an id (not another program's object in the namespace).
   * The raw copy's record too: without it every complete raw copy was an orphan, which a reap
   * removed (found by TerminateMatrixIT).
   */
  static boolean wellFormed(ResourceRecord r) {
    return r.id() != null
        && r.state() != null
        && r.kind() != null
        && List.of("image", "volume", "snapshot", "server", ResourceRecord.RAW_COPY_KIND)
            .contains(r.kind());
  }

  private void images(String pool, String name, List<Observed> out) {
    Optional<RbdAges.Ages> a;
    try {
      a = ages.ages(new RbdRef(pool, name));
    } catch (IllegalArgumentException e) {
      out.add(
          new Observed(
              Observed.IMAGE, pool + "/" + name, null, null, null)); // not a name cephflow makes
      return;
    }
    if (a.isEmpty()) return; // removed since the listing
    out.add(
        new Observed(
            Observed.IMAGE,
            pool + "/" + name,
            null,
            a.get().createdEpochSecond(),
            a.get().parent()));
    for (Map.Entry<String, Long> s : a.get().snapshots().entrySet()) {
      out.add(
          new Observed(
              Observed.SNAPSHOT, pool + "/" + name + "@" + s.getKey(), null, s.getValue(), null));
    }
  }

  @Override
  public List<String> runningOperations(List<String> operations) {
    return operations.stream().filter(running).toList();
  }

  @Override
  public long longestRunningSeconds() {
    return longestRunning.getAsLong();
  }

  @Override
  public String reapInCluster(Finding f) {
    try {
      if (Observed.RECORD.equals(f.object().type())) return reapRecord(f);
      String refused = guard.refusal(f);
      if (refused != null) return refused;
      String name = f.object().name();
      String pool = f.object().poolOf();
      String rest = name.substring(pool.length() + 1);
      return switch (f.object().type()) {
        case Observed.IMAGE -> removeImage(new RbdRef(pool, rest));
        case Observed.SNAPSHOT ->
            removeSnapshot(
                new RbdRef(pool, rest.substring(0, rest.indexOf('@')))
                    .snapshot(rest.substring(rest.indexOf('@') + 1)));
        case Observed.TRASH -> ages.removeFromTrash(pool, rest) ? "removed" : "already gone";
        default ->
            throw ApplicationFailure.newNonRetryableFailure(
                "not a Ceph object: " + f.object().type(), REAP_FAILED);
      };
    } catch (RbdException e) {
      throw ApplicationFailure.newNonRetryableFailure(e.getMessage(), REAP_FAILED);
    }
  }

  private String removeImage(RbdRef ref) {
    if (!rbd.images().exists(ref)) return "already gone";
    rbd.images().remove(ref);
    return "removed";
  }

  private String removeSnapshot(SnapRef snap) {
    if (!rbd.snapshots().exists(snap)) return "already gone";
    if (rbd.snapshots().isProtected(snap)) rbd.snapshots().unprotect(snap);
    rbd.snapshots().remove(snap);
    return "removed";
  }

  /**
   * A dangling record becomes the tombstone DELETED (ids are never reused), but a raw copy's is
   * removed (its id is its image's, made again on the next boot); a stale in-use one AVAILABLE
   * again. One conditional write over the value the audit saw.
   */
  private String reapRecord(Finding f) {
    int colon = f.resource().indexOf(':');
    String kind = f.resource().substring(0, colon);
    String pool = ResourceRecord.pool(kind);
    String key = RecordJson.key(kind, f.resource().substring(colon + 1));
    String raw = records.read(pool, key).orElse(null);
    if (raw == null) return "already gone";
    ResourceRecord r = RecordJson.parse(raw);
    if (!r.updatedAt().equals(f.recordVersion())) return ReapGuard.CHANGED;
    if (f.category() == Category.DANGLING_RECORD && kind.equals(ResourceRecord.RAW_COPY_KIND)) {
      // a raw copy's record is removed, as a failed conversion gives it back, so the next boot
      // from its image converts once again; a tombstone kept every later boot converting into its
      // own disk for good (the claim of a deleted record is refused; found by TerminateMatrixIT)
      return records.remove(pool, key, raw) ? "removed" : ReapGuard.CHANGED;
    }
    String at = clock.instant().toString();
    ResourceRecord next =
        f.category() == Category.STALE_IN_USE
            ? new ResourceRecord(
                r.kind(),
                r.id(),
                ResourceRecord.State.AVAILABLE,
                r.createdBy(),
                null,
                r.requestSha256(),
                r.madeFrom(),
                null,
                r.createdAt(),
                at)
            : new ResourceRecord(
                r.kind(),
                r.id(),
                ResourceRecord.State.DELETED,
                r.createdBy(),
                null,
                r.requestSha256(),
                r.madeFrom(),
                r.usedBy(),
                r.createdAt(),
                at);
    if (!records.replace(pool, key, raw, RecordJson.write(next))) return ReapGuard.CHANGED;
    return f.category() == Category.STALE_IN_USE ? "detached (available)" : "marked deleted";
  }
}
