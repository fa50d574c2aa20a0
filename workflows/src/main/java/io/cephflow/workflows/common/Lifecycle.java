package io.cephflow.workflows.common;

import io.cephflow.workflows.storage.ResourceActivities;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Workflow;

/**
 * Workflow code: one flow's use of the resource records ({@link ResourceRecord}). A create claims
 * its id before anything else and registers the release as its last undo; a delete starts by
 * marking the record DELETING (refused at once, typed, when the resource is missing, in use or
 * busy) and ends it DELETED. Flows started before records existed replay without them (change id
 * {@value #CHANGE}); for them {@link #operation()} is the bare workflow id, the owner they recorded
 * on their images.
 */
public final class Lifecycle {
  static final String CHANGE = "resource-records";

  /** A cancel that lands while the create settles gives the claim back (before: a tombstone). */
  static final String REOPEN_ON_CANCEL = "reopen-on-cancel";

  /**
   * A create holds the resource it makes something from, so that its delete waits (before: only
   * Ceph stopped it).
   */
  static final String HOLD_SOURCE = "hold-source";

  private final ResourceActivities records = Steps.records();
  private final boolean on;

  /** What this create holds ({@code kind:id}), let go once it settled. */
  private final java.util.List<String[]> held = new java.util.ArrayList<>();

  private Lifecycle(boolean on) {
    this.on = on;
  }

  /** Called once per flow, before its first activity. */
  public static Lifecycle begin() {
    return new Lifecycle(
        Workflow.getVersion(CHANGE, Workflow.DEFAULT_VERSION, 1) != Workflow.DEFAULT_VERSION);
  }

  public boolean recorded() {
    return on;
  }

  /**
   * This operation's name, the owner it records on what it creates: its workflow id and run, so a
   * later run under the same workflow id (a child started again, a request repeated after Temporal
   * dropped the history) is another operation and can never adopt or remove it.
   */
  public String operation() {
    var info = Workflow.getInfo();
    return on ? info.getWorkflowId() + "@" + info.getRunId() : info.getWorkflowId();
  }

  /**
   * Claims {@code kind:id} for this create (Conflict when ever claimed by another); undone last.
   */
  public void create(String kind, String id, Object request, String madeFrom, Compensations undo) {
    if (!on) return;
    String op = operation();
    undo.addLast(
        "release record " + kind + ":" + id, clean -> records.releaseCreate(kind, id, op, clean));
    records.claimCreate(
        new ResourceActivities.Claim(kind, id, op, String.valueOf(request), madeFrom));
  }

  /**
   * Refuses at once, as Conflict, an id that a child flow is to create when it is taken already
   * (the child's own claim is what decides; this makes the answer come before anything starts).
   */
  public void requireUnclaimed(String kind, String id) {
    if (!on) return;
    ResourceRecord r = records.readRecord(kind, id);
    if (r != null) {
      throw ApplicationFailure.newNonRetryableFailure(
          r.name()
              + (r.live()
                  ? " already exists (created by operation "
                      + ResourceRecord.workflowIdOf(r.createdBy())
                      + ")"
                  : " existed and was deleted; ids are never reused"),
          Failures.CONFLICT);
    }
  }

  /** The create is complete: the resource is available (or in use by {@code usedBy}). */
  public void created(String kind, String id, String usedBy) {
    if (!on) return;
    boolean reopen =
        Workflow.getVersion(REOPEN_ON_CANCEL, Workflow.DEFAULT_VERSION, 1)
            != Workflow.DEFAULT_VERSION;
    if (reopen && CancellationScope.current().isCancelRequested() && Steps.local()) {
      // a lost attempt of this workflow task may have settled it already (its local steps ran,
      // the server refused the task's completion because the cancel came): back to CREATING, so
      // the release gives the id back
      reopen(kind, id, usedBy);
    }
    if (reopen) Compensations.throwIfCanceled(); // canceled before: undone while still CREATING
    records.settleCreate(kind, id, operation(), usedBy);
    if (!reopen || !CancellationScope.current().isCancelRequested()) {
      for (String[] h : held) records.letGo(h[0], h[1], operation()); // canceled: the undo lets go
    }
    if (reopen && CancellationScope.current().isCancelRequested()) {
      // the cancel came while the settle ran, so the flow undoes a create nobody was told of: back
      // to CREATING, and the release at the end of the undo gives the id back instead of using it
      // up
      reopen(kind, id, usedBy);
    }
  }

  private void reopen(String kind, String id, String usedBy) {
    Workflow.newDetachedCancellationScope(
            () -> {
              try {
                records.reopenCreate(kind, id, operation(), usedBy);
              } catch (ActivityFailure e) {
                // someone uses or deletes it already: it stays, and the release leaves the
                // tombstone
              }
            })
        .run();
  }

  /**
   * Marks {@code kind:id} used by {@code user} for this flow (InUse naming the other user when it
   * has one) and registers the detach; {@code exists} says Ceph holds it (for unrecorded ones).
   */
  public void attach(String kind, String id, String user, boolean exists, Compensations undo) {
    if (!on) return;
    undo.add("detach " + kind + ":" + id, () -> records.detach(kind, id, user));
    records.attach(kind, id, user, exists);
  }

  /**
   * Holds {@code kind:id}, the resource this create makes something from, until the create settles
   * (or is undone): a delete of it is refused, Conflict, meanwhile; a source being deleted refuses
   * the create (NotFound or Conflict) before anything is made. {@code exists}: Ceph holds it (one
   * made before records is adopted).
   */
  public void hold(String kind, String id, boolean exists, Compensations undo) {
    if (!on
        || Workflow.getVersion(HOLD_SOURCE, Workflow.DEFAULT_VERSION, 1)
            == Workflow.DEFAULT_VERSION) return;
    String op = operation();
    undo.add("let go of " + kind + ":" + id, () -> records.letGo(kind, id, op));
    records.hold(kind, id, op, exists);
    held.add(new String[] {kind, id});
  }

  public void detach(String kind, String id, String user) {
    if (on) records.detach(kind, id, user);
  }

  /**
   * Starts a delete; returns the record (null for a flow without records). {@code exists}: Ceph or
   * libvirt holds the resource, so one without a record (made before records) is adopted.
   */
  public ResourceRecord beginDelete(String kind, String id, boolean exists) {
    return on ? records.beginDelete(kind, id, operation(), exists) : null;
  }

  public void deleted(String kind, String id) {
    if (on) records.finishDelete(kind, id, operation());
  }

  /** The delete stopped before it removed anything for good: the resource is available again. */
  public void deleteStopped(String kind, String id) {
    if (on) records.abortDelete(kind, id, operation());
  }

  /** The creator's undo of a resource a child flow made, after its data is gone. */
  public void release(String kind, String id, String creator, boolean clean) {
    if (on) records.releaseCreate(kind, id, creator, clean);
  }
}
