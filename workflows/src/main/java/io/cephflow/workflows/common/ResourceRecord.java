package io.cephflow.workflows.common;

/**
 * What cephflow knows of one resource, kept in Ceph beside it (never only in Temporal, whose
 * history expires): the id is claimed once, by the operation that creates it, and never used again;
 * its state machine is in docs/architecture.md ("Resource records").
 *
 * @param kind {@code image}, {@code volume}, {@code snapshot}, {@code server}, or {@code rawcopy}
 *     (an image's raw copy, see {@link #RAW_COPY_KIND})
 * @param createdBy the creating operation ({@code <workflow id>@<run id>}), or {@link #UNRECORDED}
 *     for a resource that existed before records did
 * @param operation the operation that holds the resource now (creating or deleting it), or null
 * @param requestSha256 SHA-256 of the creating request, so a repeated request is told from another
 * @param madeFrom what it was made from ({@code image:<id>}, {@code snapshot:<id>}, {@code
 *     server:<id>}), or null
 * @param usedBy who uses it ({@code server:<id>} for a volume a server boots from), or null
 * @param heldBy the creates making something from it now (their operations; null or empty for
 *     none): a delete is refused, Conflict, while one of them still runs
 */
public record ResourceRecord(
    String kind,
    String id,
    State state,
    String createdBy,
    String operation,
    String requestSha256,
    String madeFrom,
    String usedBy,
    String createdAt,
    String updatedAt,
    java.util.List<String> heldBy) {
  /** A record nobody holds. */
  public ResourceRecord(
      String kind,
      String id,
      State state,
      String createdBy,
      String operation,
      String requestSha256,
      String madeFrom,
      String usedBy,
      String createdAt,
      String updatedAt) {
    this(
        kind,
        id,
        state,
        createdBy,
        operation,
        requestSha256,
        madeFrom,
        usedBy,
        createdAt,
        updatedAt,
        null);
  }

  /** The operations holding it (never null). */
  public java.util.List<String> holders() {
    return heldBy == null ? java.util.List.of() : heldBy;
  }

  /** The creator of a resource found in Ceph without a record (made before records existed). */
  public static final String UNRECORDED = "unrecorded";

  /**
   * The record of an image's raw copy ({@code images/<id>_raw}, id = the image's): claimed by the
   * one operation that converts it (the others wait for it), removed when that conversion fails,
   * AVAILABLE once complete, DELETED with its image.
   */
  public static final String RAW_COPY_KIND = "rawcopy";

  /** Cinder's volume states, and {@code DELETED}: the tombstone that keeps the id from reuse. */
  public enum State {
    CREATING,
    AVAILABLE,
    IN_USE,
    DELETING,
    DELETED,
    ERROR
  }

  /** The pool a resource's record lives in: the pool of its data. */
  public static String pool(String kind) {
    return switch (kind) {
      case "image", RAW_COPY_KIND -> RbdRef.IMAGES;
      case "volume", "snapshot" -> RbdRef.VOLUMES;
      case "server" -> RbdRef.VMS;
      default -> throw new IllegalArgumentException("unknown resource kind '" + kind + "'");
    };
  }

  public String name() {
    return kind + ":" + id;
  }

  public boolean live() {
    return state != State.DELETED;
  }

  /** The workflow id of an operation name ({@code <workflow id>@<run id>}). */
  public static String workflowIdOf(String operation) {
    int at = operation == null ? -1 : operation.indexOf('@');
    return at < 0 ? operation : operation.substring(0, at);
  }
}
