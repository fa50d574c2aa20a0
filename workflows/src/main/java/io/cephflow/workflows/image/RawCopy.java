package io.cephflow.workflows.image;

import io.cephflow.workflows.common.Compensations;
import io.cephflow.workflows.common.DeleteSteps;
import io.cephflow.workflows.common.Failures;
import io.cephflow.workflows.common.ImageSource;
import io.cephflow.workflows.common.OperationProgress;
import io.cephflow.workflows.common.Provenance;
import io.cephflow.workflows.common.RbdRef;
import io.cephflow.workflows.common.ResourceRecord;
import io.cephflow.workflows.common.ResourceRecord.State;
import io.cephflow.workflows.common.SnapRef;
import io.cephflow.workflows.common.Steps;
import io.cephflow.workflows.storage.ConvertActivities;
import io.cephflow.workflows.storage.ResourceActivities;
import io.cephflow.workflows.storage.StorageActivities;
import io.cephflow.workflows.storage.StorageActivities.ImageStat;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Workflow code: convert a non-raw image once, then clone. The first boot or volume from it
 * converts it into its raw copy {@code images/<id>_raw} (snapshot {@code snap}, protected), and
 * every later one clones that copy. Who converts is decided by one conditional write in Ceph: the
 * exclusive create of the copy's record ({@code rawcopy.<id>}); the others wait for it (a timer,
 * then a read of the record) and clone what it made. A failed conversion removes the copy and gives
 * the record back, so the next one converts again. A waiter that has waited longer than a
 * conversion of that size should take (the converter was terminated, say) converts into its own
 * disk as before ({@link #ensure} returns null). Flows before this change converted every time
 * (change id {@value #CHANGE}).
 */
public final class RawCopy implements DeleteSteps.Derived {
  public static final String CHANGE = "convert-once";
  public static final String KIND = ResourceRecord.RAW_COPY_KIND;

  /** A copy left in ERROR (its conversion's undo failed) is removed and converted again. */
  static final String RECLAIM = "rawcopy-reclaim";

  static final long GiB = 1L << 30;

  /**
   * What a conversion may take here (~3 s per GiB measured; ten times that) before waiters stop
   * waiting.
   */
  static final Duration WAIT_BASE = Duration.ofMinutes(2);

  static final Duration WAIT_PER_GIB = Duration.ofSeconds(30);
  static final Duration POLL_MAX = Duration.ofSeconds(5);

  private final StorageActivities storage = Steps.storage();
  private final ConvertActivities convert = Workflow.newActivityStub(ConvertActivities.class);
  private final ResourceActivities records = Steps.records();
  private final String imageId;
  private final RbdRef copy;
  private final SnapRef snap;

  /**
   * Whether this conversion took over a record left in ERROR (so it removes what was left first).
   */
  private boolean reclaimed;

  /** Whether this delete began the copy's record (so it finishes or aborts it). */
  private boolean deleting;

  public RawCopy(String imageId) {
    this.imageId = imageId;
    this.copy = RbdRef.rawCopy(imageId);
    this.snap = SnapRef.rawCopySnap(imageId);
  }

  /** Whether this run converts once (true for every flow started since the change). */
  public static boolean enabled() {
    return Workflow.getVersion(CHANGE, Workflow.DEFAULT_VERSION, 1) != Workflow.DEFAULT_VERSION;
  }

  /** The copy's snapshot when the image says it is complete (no activity needed), else null. */
  public static SnapRef ready(String imageId, ImageStat stat) {
    SnapRef s = SnapRef.rawCopySnap(imageId);
    return s.toString().equals(stat.metadata().get(Provenance.RAW_COPY)) ? s : null;
  }

  /**
   * The raw copy's snapshot to clone, converting it first when nobody has (as {@code operation});
   * null when another operation holds the conversion for longer than it should take.
   */
  public SnapRef ensure(
      ImageStat stat, ImageSource source, String operation, Consumer<OperationProgress> progress) {
    SnapRef done = ready(imageId, stat);
    if (done != null) return done;
    long deadline = Workflow.currentTimeMillis() + waitLimit(source.virtualSizeBytes()).toMillis();
    Duration poll = Duration.ofMillis(500);
    while (true) {
      if (convertOnce(source, operation, progress)) return snap;
      ResourceRecord r = records.readRecord(KIND, imageId);
      if (r == null) continue; // the converter failed and gave the record back: try again
      if (r.state() == State.AVAILABLE) return snap;
      if (r.state() != State.CREATING || Workflow.currentTimeMillis() > deadline) return null;
      progress.accept(OperationProgress.at("wait-conversion"));
      Workflow.sleep(poll);
      poll = poll.multipliedBy(2).compareTo(POLL_MAX) > 0 ? POLL_MAX : poll.multipliedBy(2);
    }
  }

  static Duration waitLimit(long virtualSizeBytes) {
    return WAIT_BASE.plus(WAIT_PER_GIB.multipliedBy((virtualSizeBytes + GiB - 1) / GiB));
  }

  /**
   * claim [release] → create the copy [remove] → convert → snap, protect → provenance → settle →
   * the image points at it. False when another operation holds the claim. Undone here, not by the
   * calling flow: once complete the copy belongs to the image and outlives the flow.
   */
  private boolean convertOnce(
      ImageSource source, String operation, Consumer<OperationProgress> progress) {
    Compensations undo = new Compensations();
    boolean claimed = false;
    try {
      progress.accept(OperationProgress.at("claim-conversion"));
      undo.addLast(
          "release record " + KIND + ":" + imageId,
          clean -> records.releaseCreate(KIND, imageId, operation, clean));
      ResourceRecord mine = claim(operation);
      if (mine == null) return false;
      claimed = true;
      boolean reclaim =
          Workflow.getVersion(RECLAIM, Workflow.DEFAULT_VERSION, 1) != Workflow.DEFAULT_VERSION;
      if (reclaimed && !removeLeftovers()) {
        // clones use the failed copy (it was complete): left to the auditor; this boot takes the
        // slow path
        records.releaseCreate(KIND, imageId, operation, false);
        return false;
      }
      progress.accept(OperationProgress.at("create-raw-copy"));
      undo.add("remove raw copy " + copy, () -> storage.removeImage(copy, operation));
      storage.createImage(copy, source.virtualSizeBytes(), operation);
      progress.accept(new OperationProgress("convert", 0, source.virtualSizeBytes()));
      ConvertActivities.ConvertResult converted =
          convert.convertImageInto(RbdRef.image(imageId), source.format(), copy);
      progress.accept(OperationProgress.at("snapshot-raw-copy"));
      if (reclaim) undo.add("remove snapshot " + snap, () -> storage.removeSnapshot(snap));
      storage.createSnapshot(snap);
      // before: no unprotect, so a failure after the protect failed the copy's removal (record
      // ERROR)
      if (reclaim) undo.add("unprotect snapshot " + snap, () -> storage.unprotectSnapshot(snap));
      storage.protectSnapshot(snap);
      storage.setMetadata(
          copy,
          Map.of(
              Provenance.FORMAT, ImageSource.RAW,
              Provenance.SIZE, Long.toString(source.virtualSizeBytes()),
              Provenance.VIRTUAL_SIZE, Long.toString(source.virtualSizeBytes()),
              Provenance.SOURCE, "image:" + imageId,
              Provenance.SOURCE_FORMAT, source.format(),
              Provenance.CREATED_AT,
                  Instant.ofEpochMilli(Workflow.currentTimeMillis()).toString()));
      records.settleCreate(KIND, imageId, operation, null);
      // last: a boot that reads it clones at once, without waiting on the record
      storage.setMetadata(RbdRef.image(imageId), Map.of(Provenance.RAW_COPY, snap.toString()));
      return true;
    } catch (TemporalFailure e) {
      if (!claimed && Failures.CONFLICT.equals(DeleteSteps.typeOf(e))) return false;
      throw undo.failWith(e);
    }
  }

  /**
   * This operation's claim, or null when another operation holds (or held) it. A record in ERROR (a
   * conversion whose undo failed: it has ended) is taken over, so its leftovers are removed and the
   * copy made again; before, every later boot took the slow path until the image was deleted.
   */
  private ResourceRecord claim(String operation) {
    try {
      return records.claimCreate(
          new ResourceActivities.Claim(
              KIND, imageId, operation, "convert " + imageId, "image:" + imageId));
    } catch (TemporalFailure e) {
      if (!Failures.CONFLICT.equals(DeleteSteps.typeOf(e))) throw e;
    }
    if (Workflow.getVersion(RECLAIM, Workflow.DEFAULT_VERSION, 1) == Workflow.DEFAULT_VERSION)
      return null;
    ResourceRecord r = records.readRecord(KIND, imageId);
    if (r == null || r.state() != State.ERROR) return null;
    try {
      ResourceRecord mine = records.reclaimFailed(KIND, imageId, operation);
      reclaimed = true;
      return mine;
    } catch (TemporalFailure e) {
      if (Failures.CONFLICT.equals(DeleteSteps.typeOf(e)))
        return null; // another boot took it over first
      throw e;
    }
  }

  /**
   * Removes by name what a failed conversion left ({@code _raw}, its snapshots, protected or not):
   * this operation holds the record, so nobody else makes it now. False, removing nothing, when
   * clones use it (it settled, was cloned, and only then did its flow fail).
   */
  private boolean removeLeftovers() {
    if (!storage.statImage(copy).exists()) return true;
    List<SnapRef> leftovers =
        storage.listSnapshots(copy).stream().map(s -> new SnapRef(copy, s.name())).toList();
    for (SnapRef s : leftovers) if (!storage.listChildren(s).isEmpty()) return false;
    for (SnapRef s : leftovers) {
      storage.unprotectSnapshot(s);
      storage.removeSnapshot(s);
    }
    storage.deleteImage(copy);
    return true;
  }

  /**
   * The delete of the image begins the copy's too: Conflict while an operation still converts it.
   * Returns the images to remove with the image (the copy, whether or not it exists).
   */
  @Override
  public List<RbdRef> beginDelete(String operation) {
    ResourceRecord r = records.readRecord(KIND, imageId);
    if (r != null && r.live()) {
      records.beginDelete(KIND, imageId, operation, true);
      deleting = true;
    }
    return List.of(copy);
  }

  @Override
  public void deleted(String operation) {
    if (deleting) records.finishDelete(KIND, imageId, operation);
  }

  @Override
  public void deleteStopped(String operation) {
    if (deleting) records.abortDelete(KIND, imageId, operation);
  }
}
