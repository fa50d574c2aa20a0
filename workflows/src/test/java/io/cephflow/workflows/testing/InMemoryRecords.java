package io.cephflow.workflows.testing;

import io.cephflow.workflows.common.Failures;
import io.cephflow.workflows.common.ResourceRecord;
import io.cephflow.workflows.common.ResourceRecord.State;
import io.cephflow.workflows.storage.ResourceActivities;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The resource records in memory, for workflow-logic tests only (the real ones, in Ceph, are tested
 * against the dev cluster): the same rules, no Ceph.
 */
public final class InMemoryRecords implements ResourceActivities {
  private final Map<String, ResourceRecord> records = new ConcurrentHashMap<>();

  /** Forgets every record: the next flow runs as on a cluster that never saw these ids. */
  public void clear() {
    records.clear();
  }

  public ResourceRecord get(String kind, String id) {
    return records.get(kind + ":" + id);
  }

  /** A resource that exists already, made by {@code creator}. */
  public void put(
      String kind, String id, State state, String creator, String madeFrom, String usedBy) {
    records.put(
        kind + ":" + id,
        new ResourceRecord(kind, id, state, creator, null, null, madeFrom, usedBy, "t", "t"));
  }

  @Override
  public ResourceRecord readRecord(String kind, String id) {
    return get(kind, id);
  }

  @Override
  public synchronized ResourceRecord claimCreate(Claim c) {
    ResourceRecord r = get(c.kind(), c.id());
    if (r != null) {
      if (r.createdBy().equals(c.operation())) return r;
      throw fail(Failures.CONFLICT, r.name() + " was claimed by " + r.createdBy());
    }
    return save(
        new ResourceRecord(
            c.kind(),
            c.id(),
            State.CREATING,
            c.operation(),
            c.operation(),
            null,
            c.madeFrom(),
            null,
            "t",
            "t"));
  }

  @Override
  public synchronized ResourceRecord settleCreate(
      String kind, String id, String operation, String usedBy) {
    ResourceRecord r = get(kind, id);
    if (!r.createdBy().equals(operation)) throw fail(Failures.CONFLICT, "not ours");
    return r.state() == State.CREATING
        ? save(with(r, usedBy == null ? State.AVAILABLE : State.IN_USE, null, usedBy))
        : r;
  }

  @Override
  public synchronized ResourceRecord reopenCreate(
      String kind, String id, String operation, String usedBy) {
    ResourceRecord r = get(kind, id);
    if (r == null || !r.createdBy().equals(operation)) throw fail(Failures.CONFLICT, "not ours");
    if (r.state() == State.CREATING) return r;
    boolean settled =
        usedBy == null
            ? r.state() == State.AVAILABLE
            : r.state() == State.IN_USE && usedBy.equals(r.usedBy());
    if (!settled) throw fail(Failures.CONFLICT, r.name() + " is " + r.state());
    return save(with(r, State.CREATING, operation, null));
  }

  @Override
  public synchronized ResourceRecord reclaimFailed(String kind, String id, String operation) {
    ResourceRecord r = get(kind, id);
    if (r != null && r.state() == State.CREATING && operation.equals(r.createdBy())) return r;
    if (r == null || r.state() != State.ERROR)
      throw fail(Failures.CONFLICT, kind + ":" + id + " is not failed");
    return save(
        new ResourceRecord(
            kind, id, State.CREATING, operation, operation, null, r.madeFrom(), null, "t", "t"));
  }

  @Override
  public synchronized void releaseCreate(String kind, String id, String creator, boolean clean) {
    ResourceRecord r = get(kind, id);
    if (r == null || !r.createdBy().equals(creator) || r.state() == State.DELETED) return;
    if (clean && r.state() == State.CREATING) {
      records.remove(r.name()); // never completed: the claim is given back
      return;
    }
    save(with(r, clean ? State.DELETED : State.ERROR, null, null));
  }

  @Override
  public synchronized ResourceRecord beginDelete(
      String kind, String id, String operation, boolean existsUnrecorded) {
    ResourceRecord r = adopt(kind, id, existsUnrecorded);
    switch (r.state()) {
      case AVAILABLE, ERROR -> {
        if (!r.holders().isEmpty())
          throw fail(Failures.CONFLICT, r.name() + " is held by " + r.holders());
        save(with(r, State.DELETING, operation, r.usedBy()));
      }
      case DELETING -> {
        if (!ResourceRecord.workflowIdOf(operation)
            .equals(ResourceRecord.workflowIdOf(r.operation()))) {
          throw fail(Failures.CONFLICT, r.name() + " is being deleted");
        }
        save(with(r, State.DELETING, operation, r.usedBy()));
      }
      case IN_USE ->
          throw ApplicationFailure.newNonRetryableFailure(
              r.name() + " in use by " + r.usedBy(), Failures.IN_USE, List.of(r.usedBy()));
      case CREATING -> throw fail(Failures.CONFLICT, r.name() + " is being created");
      case DELETED -> throw fail(Failures.NOT_FOUND, r.name() + " was deleted");
    }
    return r;
  }

  @Override
  public synchronized void finishDelete(String kind, String id, String operation) {
    ResourceRecord r = get(kind, id);
    if (r.state() == State.DELETING && operation.equals(r.operation()))
      save(with(r, State.DELETED, null, null));
  }

  @Override
  public synchronized void abortDelete(String kind, String id, String operation) {
    ResourceRecord r = get(kind, id);
    if (r != null && r.state() == State.DELETING && operation.equals(r.operation())) {
      save(with(r, State.AVAILABLE, null, r.usedBy()));
    }
  }

  @Override
  public synchronized ResourceRecord attach(
      String kind, String id, String user, boolean existsUnrecorded) {
    ResourceRecord r = adopt(kind, id, existsUnrecorded);
    if (r.state() == State.IN_USE && user.equals(r.usedBy())) return r;
    if (r.state() == State.IN_USE) {
      throw ApplicationFailure.newNonRetryableFailure(
          r.name() + " in use by " + r.usedBy(), Failures.IN_USE, List.of(r.usedBy()));
    }
    if (r.state() == State.DELETED) throw fail(Failures.NOT_FOUND, r.name() + " was deleted");
    if (r.state() != State.AVAILABLE) throw fail(Failures.CONFLICT, r.name() + " is busy");
    return save(with(r, State.IN_USE, null, user));
  }

  @Override
  public synchronized ResourceRecord hold(
      String kind, String id, String operation, boolean existsUnrecorded) {
    ResourceRecord r = adopt(kind, id, existsUnrecorded);
    if (r.state() == State.DELETED) throw fail(Failures.NOT_FOUND, r.name() + " was deleted");
    if (r.state() != State.AVAILABLE && r.state() != State.IN_USE)
      throw fail(Failures.CONFLICT, r.name() + " is busy");
    if (r.holders().contains(operation)) return r;
    List<String> holders = new java.util.ArrayList<>(r.holders());
    holders.add(operation);
    return save(held(r, holders));
  }

  @Override
  public synchronized void letGo(String kind, String id, String operation) {
    ResourceRecord r = get(kind, id);
    if (r != null && r.holders().contains(operation)) {
      save(held(r, r.holders().stream().filter(h -> !h.equals(operation)).toList()));
    }
  }

  private static ResourceRecord held(ResourceRecord r, List<String> holders) {
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
        "t",
        holders.isEmpty() ? null : List.copyOf(holders));
  }

  @Override
  public synchronized void detach(String kind, String id, String user) {
    ResourceRecord r = get(kind, id);
    if (r != null && r.state() == State.IN_USE && user.equals(r.usedBy()))
      save(with(r, State.AVAILABLE, null, null));
  }

  private ResourceRecord adopt(String kind, String id, boolean exists) {
    ResourceRecord r = get(kind, id);
    if (r != null) return r;
    if (!exists) throw fail(Failures.NOT_FOUND, kind + ":" + id + " does not exist");
    return save(
        new ResourceRecord(
            kind,
            id,
            State.AVAILABLE,
            ResourceRecord.UNRECORDED,
            null,
            null,
            null,
            null,
            "t",
            "t"));
  }

  private ResourceRecord save(ResourceRecord r) {
    records.put(r.name(), r);
    return r;
  }

  private static ResourceRecord with(ResourceRecord r, State s, String op, String usedBy) {
    return new ResourceRecord(
        r.kind(),
        r.id(),
        s,
        r.createdBy(),
        op,
        r.requestSha256(),
        r.madeFrom(),
        usedBy,
        r.createdAt(),
        "t",
        r.heldBy());
  }

  private static ApplicationFailure fail(String type, String message) {
    return ApplicationFailure.newNonRetryableFailure(message, type);
  }
}
