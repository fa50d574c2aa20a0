package io.cephflow.workflows.common;

import io.temporal.failure.ApplicationFailure;
import java.util.function.Supplier;

/**
 * Typed failure reasons ({@code ApplicationFailure} types), listed with their retryability in
 * {@link FailureType}. Bad input is non-retryable and carries one of these. The API shows a failed
 * operation's reason as its {@code failure.type} (GET /api/v1/operations/{id}, still 200); only a
 * refusal a start decides at once becomes an HTTP status (the starter's {@code
 * OperationRefusedException}: NotFound 404, InvalidRequest 400, Conflict and InUse 409). Never
 * match on message text.
 */
public final class Failures {
  /** The request itself is malformed (ids, names, sizes). */
  public static final String INVALID_REQUEST = "InvalidRequest";

  /** The source (file or URL) does not exist or cannot be read at all. */
  public static final String SOURCE_NOT_FOUND = "SourceNotFound";

  /** The source is not allowed by policy (directory, scheme, host). */
  public static final String SOURCE_FORBIDDEN = "SourceForbidden";

  /** The source has no data. */
  public static final String SOURCE_EMPTY = "SourceEmpty";

  /** The source exceeds the configured size cap or the target size. */
  public static final String SOURCE_TOO_LARGE = "SourceTooLarge";

  /** The source ended before its announced length or sent more. */
  public static final String SOURCE_LENGTH_MISMATCH = "SourceLengthMismatch";

  /** The source went silent: no byte for the read timeout. Retried, a bounded number of times. */
  public static final String SOURCE_TIMEOUT = "SourceTimeout";

  /**
   * The source's server broke HTTP (status line, headers, framing): the same server breaks it
   * again.
   */
  public static final String SOURCE_PROTOCOL = "SourceProtocolError";

  /** The source's server is failing or overloaded (HTTP 5xx, 429): retried. */
  public static final String SOURCE_UNAVAILABLE = "SourceUnavailable";

  public static final String CHECKSUM_MISMATCH = "ChecksumMismatch";
  public static final String UNSUPPORTED_FORMAT = "UnsupportedFormat";

  /** The image is not what it claims, or is dangerous (backing file, data file, ...). */
  public static final String UNSAFE_IMAGE = "UnsafeImage";

  /** A resource with this name exists and is not ours (or has another spec). */
  public static final String CONFLICT = "Conflict";

  /** A resource that must exist does not. */
  public static final String NOT_FOUND = "NotFound";

  /** A delete refused because clones or domains still depend on the resource. */
  public static final String IN_USE = "InUse";

  /** Ceph refused our credentials for this pool or operation. */
  public static final String PERMISSION_DENIED = "PermissionDenied";

  /** The cluster or pool is out of space. */
  public static final String NO_SPACE = "NoSpace";

  /** The hypervisor refused the domain spec or failed the operation. */
  public static final String HYPERVISOR = "HypervisorFailure";

  /** Policy forbids the requested path (e.g. the slow download path). */
  public static final String POLICY = "PolicyViolation";

  /** Reading the source failed midway (a reset connection, an I/O error): retried. */
  public static final String SOURCE_IO = "SourceIo";

  /** The scratch area failed while staging or vetting an image: retried. */
  public static final String INTAKE_IO = "IntakeIo";

  /** Converting an image into RBD failed on I/O: retried. */
  public static final String CONVERT_IO = "ConvertIo";

  /** qemu-img failed on an image that passed the checks: retried. */
  public static final String QEMU_FAILED = "QemuFailed";

  /** Ceph failed in a way with no better name (a timeout, an unexpected errno): retried. */
  public static final String CEPH_ERROR = "CephError";

  /**
   * No worker of the host a step is routed to took it within the schedule-to-start timeout ({@code
   * cephflow.activities.host-schedule-to-start}): that host's worker is down or the host is
   * unknown. The flow compensates and fails; nothing retries it elsewhere.
   */
  public static final String HOST_UNAVAILABLE = "HostUnavailable";

  /** libvirtd on the host cannot be reached: retried. */
  public static final String HYPERVISOR_UNREACHABLE = "HypervisorUnreachable";

  /** The operation was canceled (and what it did undone). */
  public static final String CANCELED = "Canceled";

  /** A step or the operation ran out of time (after its retries). */
  public static final String TIMED_OUT = "Timeout";

  /** The operation was terminated from Temporal (what it left is recorded; a DELETE removes it). */
  public static final String TERMINATED = "Terminated";

  /** A failure of cephflow itself (a bug); the worker's log has its stack. */
  public static final String INTERNAL = "InternalError";

  /**
   * Retrying cannot help (what the worker declares non-retryable per type): from {@link
   * FailureType}.
   */
  public static final String[] NON_RETRYABLE = FailureType.nonRetryableCodes();

  private Failures() {}

  /**
   * Runs a request's checks: the IllegalArgumentException of a malformed request becomes the
   * non-retryable {@link #INVALID_REQUEST} failure with its reason. Returns what the check does.
   */
  public static <T> T validated(Supplier<T> check) {
    try {
      return check.get();
    } catch (IllegalArgumentException e) {
      throw invalidRequest(e.getMessage());
    }
  }

  /** The non-retryable failure of a malformed request, with the reason it names. */
  public static ApplicationFailure invalidRequest(String message) {
    return ApplicationFailure.newNonRetryableFailure(message, INVALID_REQUEST);
  }
}
