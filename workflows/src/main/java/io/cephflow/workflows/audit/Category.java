package io.cephflow.workflows.audit;

/** What the auditor decided about one object or record (docs/audit.md). */
public enum Category {
  /** Its resource has a live record, or the operation that holds it still runs. */
  OWNED,
  /** No record names it, or its record's operation ended without it (terminated, or deleted). */
  ORPHAN,
  /** A live record whose resource has none of its objects. */
  DANGLING_RECORD,
  /** A record in use by a server that no longer exists. */
  STALE_IN_USE,
  /**
   * A live server's domain that is paused while no operation that pauses it runs (an image from the
   * server terminated between its suspend and its resume): the reap resumes it.
   */
  LEFT_PAUSED;

  /** The categories a reap acts on. */
  public boolean leak() {
    return this != OWNED;
  }
}
