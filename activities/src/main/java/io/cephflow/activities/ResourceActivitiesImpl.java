package io.cephflow.activities;

import io.cephflow.ceph.RecordJson;
import io.cephflow.ceph.RecordStore;
import io.cephflow.workflows.common.Failures;
import io.cephflow.workflows.common.ResourceRecord;
import io.cephflow.workflows.common.ResourceRecord.State;
import io.cephflow.workflows.storage.ResourceActivities;
import io.temporal.failure.ApplicationFailure;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * {@link ResourceActivities} over a {@link RecordStore}: the lifecycle's state machine. Each change
 * reads the record, decides, and writes it back only if nobody changed it meanwhile; a lost race is
 * a retryable failure (Temporal retries, then the decision is made again on what won), never a
 * second winner.
 */
public class ResourceActivitiesImpl implements ResourceActivities, CephflowActivities {
  static final String RECORD_CHANGED = "RecordChanged";

  private final RecordStore store;
  private final Clock clock;
  private final Predicate<String> running;

  /**
   * @param running whether an operation ({@code <workflow id>@<run id>}) still runs: a create that
   *     was terminated (from the Temporal UI or CLI, which skips its compensation) holds its record
   *     CREATING for ever, and a delete may then take it over and remove what it left
   */
  public ResourceActivitiesImpl(RecordStore store, Clock clock, Predicate<String> running) {
    this.store = store;
    this.clock = clock;
    this.running = running;
  }

  static String key(String kind, String id) {
    return RecordJson.key(kind, id);
  }

  @Override
  public ResourceRecord readRecord(String kind, String id) {
    return StorageActivitiesImpl.call(
        () ->
            store
                .read(ResourceRecord.pool(kind), key(kind, id))
                .map(ResourceActivitiesImpl::parse)
                .orElse(null));
  }

  @Override
  public ResourceRecord claimCreate(Claim c) {
    String now = now();
    ResourceRecord fresh =
        new ResourceRecord(
            c.kind(),
            c.id(),
            State.CREATING,
            c.operation(),
            c.operation(),
            sha256(c.request()),
            c.madeFrom(),
            null,
            now,
            now);
    boolean created =
        StorageActivitiesImpl.call(
            () -> store.create(ResourceRecord.pool(c.kind()), key(c.kind(), c.id()), json(fresh)));
    if (created) return fresh;
    ResourceRecord existing = readRecord(c.kind(), c.id());
    if (c.operation().equals(existing.createdBy())) return existing; // our own claim, retried
    throw conflict(
        existing.name()
            + " "
            + (existing.live()
                ? "already exists ("
                    + state(existing)
                    + ", created by operation "
                    + creator(existing)
                    + ")"
                : "existed and was deleted; ids are never reused (created by operation "
                    + creator(existing)
                    + ")"));
  }

  @Override
  public ResourceRecord settleCreate(String kind, String id, String operation, String usedBy) {
    return change(
        kind,
        id,
        r -> {
          if (!operation.equals(r.createdBy()))
            throw conflict(r.name() + " was not created by " + operation);
          if (r.state() == State.AVAILABLE || r.state() == State.IN_USE) return r;
          if (r.state() != State.CREATING)
            throw conflict(r.name() + " is " + state(r) + ", not being created");
          return with(r, usedBy == null ? State.AVAILABLE : State.IN_USE, null, usedBy);
        });
  }

  @Override
  public ResourceRecord reopenCreate(String kind, String id, String operation, String usedBy) {
    return change(
        kind,
        id,
        r -> {
          if (!operation.equals(r.createdBy()))
            throw conflict(r.name() + " was not created by " + operation);
          if (r.state() == State.CREATING) return r;
          boolean settled =
              usedBy == null
                  ? r.state() == State.AVAILABLE && r.usedBy() == null
                  : r.state() == State.IN_USE && usedBy.equals(r.usedBy());
          if (!settled) throw conflict(r.name() + " is " + state(r) + " since it was created");
          return with(r, State.CREATING, operation, null);
        });
  }

  @Override
  public ResourceRecord reclaimFailed(String kind, String id, String operation) {
    return change(
        kind,
        id,
        r -> {
          if (r.state() == State.CREATING && operation.equals(r.createdBy())) return r; // retried
          if (r.state() != State.ERROR)
            throw conflict(r.name() + " is " + state(r) + ", not failed");
          String now = now();
          return new ResourceRecord(
              r.kind(),
              r.id(),
              State.CREATING,
              operation,
              operation,
              r.requestSha256(),
              r.madeFrom(),
              null,
              now,
              now);
        });
  }

  /**
   * A create that never completed and was fully undone gives its claim back (the record goes, as
   * ceph-csi undoes a reservation: the id never named a resource, and a request that failed may be
   * fixed and sent again); one that completed and is undone afterwards (by a parent flow) existed,
   * so it stays as a DELETED tombstone.
   */
  @Override
  public void releaseCreate(String kind, String id, String creator, boolean clean) {
    String pool = ResourceRecord.pool(kind);
    String raw = StorageActivitiesImpl.call(() -> store.read(pool, key(kind, id))).orElse(null);
    if (raw == null) return;
    ResourceRecord r = parse(raw);
    if (!creator.equals(r.createdBy()) || r.state() == State.DELETED)
      return; // not ours: never touched
    if (clean && r.state() == State.CREATING) {
      if (!StorageActivitiesImpl.call(() -> store.remove(pool, key(kind, id), raw)))
        throw changed(r);
      return;
    }
    change(
        kind,
        id,
        cur ->
            !creator.equals(cur.createdBy()) || cur.state() == State.DELETED
                ? cur
                : with(cur, clean ? State.DELETED : State.ERROR, null, null));
  }

  private static ApplicationFailure changed(ResourceRecord r) {
    return ApplicationFailure.newFailure(
        r.name() + " changed while this operation updated it; retrying", RECORD_CHANGED);
  }

  @Override
  public ResourceRecord beginDelete(
      String kind, String id, String operation, boolean existsUnrecorded) {
    ResourceRecord before = recordOrAdopt(kind, id, existsUnrecorded);
    Predicate<String> asked = askedOnce();
    change(
        kind,
        id,
        r ->
            switch (r.state()) {
              case AVAILABLE, ERROR -> {
                List<String> live = r.holders().stream().filter(asked).toList();
                if (!live.isEmpty()) {
                  throw conflict(
                      r.name()
                          + " is in use by operation "
                          + ResourceRecord.workflowIdOf(live.get(0))
                          + ", which makes something from it; try again once it ended");
                }
                yield held(
                    with(r, State.DELETING, operation, r.usedBy()),
                    List.of()); // the ended holders go
              }
              case DELETING -> {
                if (operation.equals(r.operation())) yield r;
                // one run per workflow id at a time: an earlier run of this same delete has ended
                if (sameWorkflow(operation, r.operation()))
                  yield with(r, State.DELETING, operation, r.usedBy());
                throw conflict(
                    r.name()
                        + " is being deleted by operation "
                        + ResourceRecord.workflowIdOf(r.operation()));
              }
              case IN_USE -> throw inUse(r);
              case CREATING -> {
                if (asked.test(r.operation()))
                  throw conflict(r.name() + " is being created by operation " + creator(r));
                yield with(
                    r,
                    State.DELETING,
                    operation,
                    r.usedBy()); // its create was terminated: clean up what it left
              }
              case DELETED -> throw notFound(r.name() + " was deleted");
            });
    return before;
  }

  @Override
  public void finishDelete(String kind, String id, String operation) {
    change(
        kind,
        id,
        r ->
            r.state() == State.DELETING && operation.equals(r.operation())
                ? with(r, State.DELETED, null, null)
                : r);
  }

  @Override
  public void abortDelete(String kind, String id, String operation) {
    changeIfPresent(
        kind,
        id,
        r ->
            r.state() == State.DELETING && operation.equals(r.operation())
                ? with(r, State.AVAILABLE, null, r.usedBy())
                : r);
  }

  @Override
  public ResourceRecord attach(String kind, String id, String user, boolean existsUnrecorded) {
    recordOrAdopt(kind, id, existsUnrecorded);
    return change(
        kind,
        id,
        r ->
            switch (r.state()) {
              case AVAILABLE -> with(r, State.IN_USE, null, user);
              case IN_USE -> {
                if (user.equals(r.usedBy())) yield r;
                throw inUse(r);
              }
              case DELETED -> throw notFound(r.name() + " was deleted");
              case CREATING, DELETING, ERROR -> throw busy(r);
            });
  }

  /**
   * How many of a source's holders, oldest first, a hold asks Temporal about. Asking about every
   * holder on every try cost one call per holder per try: with 100 boots from one image in flight
   * (bench/load-bench.sh, 2026-12-03) a hold took 17 s at the median and 72 s at most, and 29 ran
   * out of tries, each try outrun by the holds that finished while it asked. Asking about the
   * oldest few still drops every ended holder in time (the others move up as holders let go), and a
   * delete asks about them all.
   */
  static final int HOLDERS_ASKED_PER_HOLD = 4;

  /**
   * {@link #running}, asked at most once per operation for one activity call, whatever its tries:
   * an operation that ended does not run again, and one seen running that ends meanwhile only stays
   * a holder a little longer (a delete asks again).
   */
  private Predicate<String> askedOnce() {
    Map<String, Boolean> answers = new HashMap<>();
    return op -> answers.computeIfAbsent(op, running::test);
  }

  @Override
  public ResourceRecord hold(String kind, String id, String operation, boolean existsUnrecorded) {
    recordOrAdopt(kind, id, existsUnrecorded);
    Predicate<String> live = askedOnce();
    return change(
        kind,
        id,
        r ->
            switch (r.state()) {
              case AVAILABLE, IN_USE -> {
                if (r.holders().contains(operation)) yield r;
                List<String> holders = new ArrayList<>(r.holders());
                // a create that was terminated never lets go: the oldest holders are asked
                // whether they still run, and the ended ones dropped
                holders
                    .subList(0, Math.min(HOLDERS_ASKED_PER_HOLD, holders.size()))
                    .removeIf(h -> !live.test(h));
                holders.add(operation);
                yield held(r, holders);
              }
              case DELETED -> throw notFound(r.name() + " was deleted");
              case CREATING, DELETING, ERROR -> throw busy(r);
            });
  }

  @Override
  public void letGo(String kind, String id, String operation) {
    changeIfPresent(
        kind,
        id,
        r ->
            !r.holders().contains(operation)
                ? r
                : held(r, r.holders().stream().filter(h -> !h.equals(operation)).toList()));
  }

  private ResourceRecord held(ResourceRecord r, List<String> holders) {
    return new ResourceRecord(
        r.kind(),
        r.id(),
        r.state(),
        r.createdBy(),
        r.operation(),
        r.requestSha256(),
        r.madeFrom(),
        r.usedBy(),
        r.createdAt(),
        now(),
        holders.isEmpty() ? null : List.copyOf(holders));
  }

  @Override
  public void detach(String kind, String id, String user) {
    changeIfPresent(
        kind,
        id,
        r ->
            r.state() == State.IN_USE && user.equals(r.usedBy())
                ? with(r, State.AVAILABLE, null, null)
                : r);
  }

  /** The record; for a resource found in Ceph without one, a new AVAILABLE record adopting it. */
  private ResourceRecord recordOrAdopt(String kind, String id, boolean existsUnrecorded) {
    ResourceRecord r = readRecord(kind, id);
    if (r != null) return r;
    if (!existsUnrecorded) throw notFound(kind + ":" + id + " does not exist");
    String now = now();
    ResourceRecord adopted =
        new ResourceRecord(
            kind, id, State.AVAILABLE, ResourceRecord.UNRECORDED, null, null, null, null, now, now);
    StorageActivitiesImpl.call(
        () -> store.create(ResourceRecord.pool(kind), key(kind, id), json(adopted)));
    return readRecord(kind, id);
  }

  /** Read, decide, write back only over what was read; unchanged decisions write nothing. */
  private ResourceRecord change(String kind, String id, UnaryOperator<ResourceRecord> decide) {
    ResourceRecord changed = changeIfPresent(kind, id, decide);
    if (changed == null) throw notFound(kind + ":" + id + " does not exist");
    return changed;
  }

  /**
   * Tries of one record change within one attempt: many flows holding one image at once (100
   * concurrent boots from it, bench/load-bench.sh) race for its record, and one try per attempt ran
   * out of the attempts' retries (RecordChanged); each loser now reads the record again.
   */
  static final int CHANGE_TRIES = 64;

  /**
   * {@link #change}, or nothing (null) when there is no record: a conditional replace, decided
   * again on the record as it is whenever another writer changed it first ({@code decide} depends
   * on the record only), up to {@link #CHANGE_TRIES} times with a short random pause.
   */
  private ResourceRecord changeIfPresent(
      String kind, String id, UnaryOperator<ResourceRecord> decide) {
    String pool = ResourceRecord.pool(kind);
    for (int tries = 1; ; tries++) {
      String raw = StorageActivitiesImpl.call(() -> store.read(pool, key(kind, id))).orElse(null);
      if (raw == null) return null;
      ResourceRecord current = parse(raw);
      ResourceRecord next = decide.apply(current);
      if (next.equals(current)) return current;
      if (StorageActivitiesImpl.call(() -> store.replace(pool, key(kind, id), raw, json(next))))
        return next;
      if (tries == CHANGE_TRIES) throw changed(current);
      try {
        Thread.sleep(ThreadLocalRandom.current().nextLong(1, 2 + tries));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw changed(current);
      }
    }
  }

  private ResourceRecord with(ResourceRecord r, State state, String operation, String usedBy) {
    return new ResourceRecord(
        r.kind(),
        r.id(),
        state,
        r.createdBy(),
        operation,
        r.requestSha256(),
        r.madeFrom(),
        usedBy,
        r.createdAt(),
        now(),
        r.heldBy());
  }

  private static boolean sameWorkflow(String a, String b) {
    return a != null
        && b != null
        && ResourceRecord.workflowIdOf(a).equals(ResourceRecord.workflowIdOf(b));
  }

  private static String creator(ResourceRecord r) {
    return ResourceRecord.workflowIdOf(r.createdBy());
  }

  private static String state(ResourceRecord r) {
    return r.state().name().toLowerCase().replace('_', '-');
  }

  /** Conflict: {@code r} is being made, deleted or in error, by the operation it names. */
  private static ApplicationFailure busy(ResourceRecord r) {
    return conflict(
        r.name()
            + " is "
            + state(r)
            + (r.operation() == null
                ? ""
                : " (operation " + ResourceRecord.workflowIdOf(r.operation()) + ")"));
  }

  private static ApplicationFailure conflict(String message) {
    return ApplicationFailure.newNonRetryableFailure(message, Failures.CONFLICT);
  }

  private static ApplicationFailure notFound(String message) {
    return ApplicationFailure.newNonRetryableFailure(message, Failures.NOT_FOUND);
  }

  private static ApplicationFailure inUse(ResourceRecord r) {
    return ActivityErrors.inUse(r.name() + " is in use by " + r.usedBy(), List.of(r.usedBy()));
  }

  private String now() {
    return clock.instant().toString();
  }

  static String json(ResourceRecord r) {
    return RecordJson.write(r);
  }

  static ResourceRecord parse(String raw) {
    try {
      return RecordJson.parse(raw);
    } catch (IllegalArgumentException e) {
      throw ApplicationFailure.newNonRetryableFailure(e.getMessage(), Failures.CONFLICT);
    }
  }

  static String sha256(String s) {
    if (s == null) return null;
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
