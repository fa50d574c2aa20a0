package io.cephflow.workflows.audit;

/**
 * One object the auditor saw, in Ceph or on a host.
 *
 * @param type what it is: {@link #IMAGE}, {@link #SNAPSHOT}, {@link #TRASH}, {@link #DOMAIN},
 *     {@link #SECRET}, {@link #CONSOLE_LOG}, {@link #SCRATCH_FILE}
 * @param name {@code pool/image}, {@code pool/image@snap}, {@code pool/<trash id>} (with the
 *     image's name in {@code detail}), a domain or secret usage name, a file name
 * @param host the hypervisor it is on, null for Ceph
 * @param createdAtEpochSecond when it was made (file: last modified), or null when unknown
 * @param detail what else the listing knew (a trash entry's image name, a domain's state, an
 *     image's parent snapshot {@code pool/image@snap} when it is a clone)
 */
public record Observed(
    String type, String name, String host, Long createdAtEpochSecond, String detail) {
  public static final String IMAGE = "rbd-image";
  public static final String SNAPSHOT = "rbd-snapshot";
  public static final String TRASH = "rbd-trash";
  public static final String DOMAIN = "domain";
  public static final String SECRET = "secret";
  public static final String CONSOLE_LOG = "console-log";
  public static final String SCRATCH_FILE = "scratch-file";

  /** Not an object: a resource record (a finding about the record itself). */
  public static final String RECORD = "record";

  /** The name rules match on: a trash entry is matched by its image's name. */
  public String matchName() {
    return TRASH.equals(type) && detail != null ? poolOf() + "/" + detail : name;
  }

  /** The pool of a Ceph object ({@code pool/...}), null for host objects. */
  public String poolOf() {
    int slash = name.indexOf('/');
    return host != null || slash < 0 ? null : name.substring(0, slash);
  }
}
