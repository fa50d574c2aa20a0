package io.cephflow.intake.format;

/**
 * An image that cephflow refuses to hand to qemu or to store. Never retryable: the bytes will not
 * change on a second attempt, so callers should declare this type non-retryable.
 */
public class UnsafeImageException extends Exception {

  public enum Reason {
    /** The bytes are a different format than the one declared. */
    FORMAT_MISMATCH,
    /** The bytes carry the signatures of more than one container format. */
    AMBIGUOUS_FORMAT,
    /** The image refers to a backing file (host file read, CVE-2015-5162 family). */
    BACKING_FILE,
    /** qcow2 external data file (CVE-2024-32498). */
    DATA_FILE,
    /** A format cephflow never accepts (QED, VMDK3) or one the policy does not allow. */
    UNSUPPORTED_FORMAT,
    /** A header feature bit cephflow does not know. */
    UNSUPPORTED_FEATURE,
    /** A VMDK extent that names another file (CVE-2022-47951). */
    VMDK_EXTENT,
    /** A VMDK descriptor file or a create type other than monolithicSparse/streamOptimized. */
    VMDK_SUBFORMAT,
    /** A header that is truncated, out of range, or marked corrupt. */
    CORRUPT_HEADER,
    /** Virtual size above the limit (CVE-2015-1850/1851-style resource exhaustion). */
    TOO_LARGE,
    /** Encrypted image while the policy does not allow it. */
    LUKS_NOT_ALLOWED,
    /** qemu-img read the image differently than the Java inspector did. */
    QEMU_DISAGREES
  }

  private final Reason reason;

  public UnsafeImageException(Reason reason, String message) {
    super(reason + ": " + message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
