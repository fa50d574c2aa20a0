package io.cephflow.ceph;

import io.cephflow.workflows.common.RbdRef;
import java.io.OutputStream;

/** Bulk data in and out of images. */
public interface RbdStreams {
  /**
   * Writes the source into an existing image with several writes in flight, from one image handle,
   * skipping all-zero chunks (thin, like {@code rbd import}). Regions that end before {@code
   * resumeFrom} are read but not written again (resume after a retry).
   */
  ImportResult write(RbdRef target, DataSource source, long resumeFrom, Progress progress);

  /** Streams the whole image into {@code out}; returns the bytes written. */
  long export(RbdRef image, OutputStream out, Progress progress);

  void writeAt(RbdRef image, long offset, byte[] data);

  byte[] readAt(RbdRef image, long offset, int length);
}
