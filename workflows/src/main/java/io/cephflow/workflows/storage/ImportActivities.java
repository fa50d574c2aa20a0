package io.cephflow.workflows.storage;

import io.cephflow.workflows.common.RbdRef;
import io.temporal.activity.ActivityInterface;

/**
 * Moving untrusted data from a source (file or URL) into RBD. Raw sources stream straight into the
 * image; other formats are staged in the worker's private scratch area, vetted there, and written
 * as they are (the image keeps its declared format, as Glance keeps it). A staged file lives on one
 * host: every step on it runs on that host's task queue ({@link #hostQueue}).
 */
@ActivityInterface
public interface ImportActivities {
  /**
   * Checks that the source is allowed and readable and that its first bytes are really raw; reports
   * its size (-1 when unknown). Raw sources only.
   */
  SourceInfo probeSource(String source, String diskFormat);

  /**
   * Streams the source into the existing image, heartbeating bytes done/total and resuming after a
   * retry. Returns what was read, its chunked SHA-256, its SHA-256 (unless skipped) and the
   * requested checksum.
   */
  WriteResult writeFromSource(WriteRequest request);

  /**
   * The task queue of the worker that runs this call ({@code TaskQueues.host(its host)}), which
   * also serves these activities: a flow that stages a file asks once, then sends every step on
   * that file there.
   */
  String hostQueue();

  /**
   * Downloads the source into the scratch file named by {@code scratchKey} (a private 0700
   * directory), hashing as it goes; heartbeats bytes done/total. A retry starts over.
   */
  StagedSource stageSource(StageRequest request);

  /** Java inspector and {@code qemu-img info} (under limits) must agree; else UnsafeImage. */
  VettedSource vetStaged(String scratchKey, String diskFormat);

  /** Writes the staged file's bytes as they are into the existing image; resumes after a retry. */
  WriteResult writeStaged(String scratchKey, RbdRef target);

  /**
   * Vets the staged file again and writes its raw view (decoded by qemu) into the existing image,
   * at least its virtual size; heartbeats bytes done/total and resumes after a retry. Returns the
   * virtual size read and the chunked SHA-256 and (unless {@code skipSha256}; calls from before
   * that parameter pass false) the SHA-256 of the raw image written (holes as zeros).
   */
  WriteResult convertStaged(
      String scratchKey, String diskFormat, RbdRef target, boolean skipSha256);

  /** Removes the staged file; a missing file is success. */
  void removeStaged(String scratchKey);

  record SourceInfo(long sizeBytes, String detectedFormat) {}

  /**
   * @param checksumAlgorithm JCA name of an extra digest to compute (null: none)
   * @param skipSha256 true: the full SHA-256 is not computed, only the chunked one (false, as in
   *     every request from before this field: both are)
   */
  record WriteRequest(
      RbdRef target,
      String source,
      String diskFormat,
      long expectedSizeBytes,
      String checksumAlgorithm,
      boolean skipSha256) {
    public WriteRequest(
        RbdRef target,
        String source,
        String diskFormat,
        long expectedSizeBytes,
        String checksumAlgorithm) {
      this(target, source, diskFormat, expectedSizeBytes, checksumAlgorithm, false);
    }
  }

  /**
   * @param sha256 the SHA-256 of every byte (null when skipped)
   * @param checksum hex digest under the requested algorithm (null when none was requested)
   * @param chunkedSha256 the provenance digest ({@code ChunkedSha256}; null from workers before it)
   */
  record WriteResult(
      long bytesRead, long bytesWritten, String sha256, String checksum, String chunkedSha256) {
    public WriteResult(long bytesRead, long bytesWritten, String sha256, String checksum) {
      this(bytesRead, bytesWritten, sha256, checksum, null);
    }
  }

  /**
   * @param skipSha256 as in {@link WriteRequest}
   */
  record StageRequest(
      String source, String scratchKey, String checksumAlgorithm, boolean skipSha256) {
    public StageRequest(String source, String scratchKey, String checksumAlgorithm) {
      this(source, scratchKey, checksumAlgorithm, false);
    }
  }

  /**
   * @param chunkedSha256 as in {@link WriteResult}
   */
  record StagedSource(
      String scratchKey, long sizeBytes, String sha256, String checksum, String chunkedSha256) {
    public StagedSource(String scratchKey, long sizeBytes, String sha256, String checksum) {
      this(scratchKey, sizeBytes, sha256, checksum, null);
    }
  }

  record VettedSource(String format, long virtualSizeBytes, long fileSizeBytes) {}
}
