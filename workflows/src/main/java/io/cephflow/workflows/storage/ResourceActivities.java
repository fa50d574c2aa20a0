package io.cephflow.workflows.storage;

import io.cephflow.workflows.common.ResourceRecord;
import io.temporal.activity.ActivityInterface;

/**
 * The resource records (see {@link ResourceRecord}) as activities: every change is one atomic,
 * conditional write in Ceph, so two operations on one resource never both proceed, and each is
 * idempotent for the operation that made it (a retry finds its own change done). Refusals are
 * non-retryable and typed: {@code Conflict} (held or used up by another operation), {@code
 * NotFound}, {@code InUse} (naming the user).
 */
@ActivityInterface
public interface ResourceActivities {
  /** The resource's record, or null when it has none. */
  ResourceRecord readRecord(String kind, String id);

  /**
   * Claims a new id for the creating operation: the record starts CREATING. The same operation
   * again gets its record; an id ever claimed by another (alive, deleted or failed) is a Conflict.
   */
  ResourceRecord claimCreate(Claim claim);

  /**
   * The create finished: CREATING (by {@code operation}) becomes AVAILABLE, or IN_USE by {@code
   * usedBy}.
   */
  ResourceRecord settleCreate(String kind, String id, String operation, String usedBy);

  /**
   * The create settled while its cancel arrived (the flow is undoing it): AVAILABLE (or IN_USE by
   * {@code usedBy}) created by {@code operation} goes back to CREATING held by it, so that its
   * release gives the claim back instead of leaving a tombstone; nobody was told it completed.
   * Conflict when another operation began to use or delete it meanwhile (then it stays, and the
   * release makes it DELETED as before).
   */
  ResourceRecord reopenCreate(String kind, String id, String operation, String usedBy);

  /**
   * Takes over a record left in ERROR by a create whose undo failed (its operation's undo has
   * ended): it becomes CREATING by {@code operation}, its creator, which removes what was left and
   * makes the resource again. Only for what is derived and remade on demand (an image's raw copy);
   * the same operation again gets its record; any other state is a Conflict.
   */
  ResourceRecord reclaimFailed(String kind, String id, String operation);

  /**
   * The creator takes its resource back (the undo of a create, after its data was removed): a
   * record created by {@code creator} becomes DELETED, or ERROR when {@code clean} is false (some
   * undo failed: something may be left). A record of anyone else is never touched.
   */
  void releaseCreate(String kind, String id, String creator, boolean clean);

  /**
   * Starts a delete: AVAILABLE becomes DELETING by {@code operation}. NotFound when the id was
   * never created (and {@code existsUnrecorded} is false) or is deleted; InUse naming the user;
   * Conflict while another operation creates or deletes it. A resource that exists without a record
   * ({@code existsUnrecorded}) is adopted first. Returns the record before the change.
   */
  ResourceRecord beginDelete(String kind, String id, String operation, boolean existsUnrecorded);

  /** The delete finished: DELETING (by {@code operation}) becomes DELETED, for good. */
  void finishDelete(String kind, String id, String operation);

  /**
   * The delete stopped (refused or failed): DELETING by {@code operation} goes back to AVAILABLE.
   */
  void abortDelete(String kind, String id, String operation);

  /**
   * Marks the resource used by {@code user} ({@code server:<id>}): AVAILABLE becomes IN_USE. InUse
   * naming the user when someone else uses it; NotFound / Conflict as for a delete.
   */
  ResourceRecord attach(String kind, String id, String user, boolean existsUnrecorded);

  /**
   * A create that makes something from this resource (a clone of an image or a snapshot, a snapshot
   * of a volume, an image of a server) holds it until it ends: {@code operation} is added to its
   * holders, and a delete is refused (Conflict) while a holder runs. NotFound when it does not
   * exist (never created, deleted); Conflict while it is being created or deleted, or failed.
   * {@code existsUnrecorded}: Ceph holds it (one made before records is adopted).
   */
  ResourceRecord hold(String kind, String id, String operation, boolean existsUnrecorded);

  /**
   * Undoes {@link #hold}: {@code operation} is no longer a holder (nothing to do when it is not).
   */
  void letGo(String kind, String id, String operation);

  /**
   * Undoes {@link #attach}: IN_USE by {@code user} becomes AVAILABLE; anything else is left as is.
   */
  void detach(String kind, String id, String user);

  /**
   * A create's claim: {@code request} is hashed, never stored (it may hold a source URL's secrets).
   */
  record Claim(String kind, String id, String operation, String request, String madeFrom) {}
}
