package io.cephflow.workflows.storage;

import io.cephflow.workflows.common.RbdRef;
import io.temporal.activity.ActivityInterface;

/** Moving untrusted data from a source (file or URL) into RBD. */
@ActivityInterface
public interface ImportActivities {
  /** Checks that the source is allowed and readable; reports its size (-1 when unknown). */
  SourceInfo probeSource(String source, String diskFormat);

  /**
   * Streams the source into the existing image, heartbeating bytes done/total and resuming
   * after a retry. Returns what was read and its SHA-256.
   */
  WriteResult writeFromSource(WriteRequest request);

  record SourceInfo(long sizeBytes, String detectedFormat) {}

  record WriteRequest(RbdRef target, String source, String diskFormat, long expectedSizeBytes) {}

  record WriteResult(long bytesRead, long bytesWritten, String sha256) {}
}
