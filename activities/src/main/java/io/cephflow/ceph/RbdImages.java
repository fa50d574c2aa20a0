package io.cephflow.ceph;

import io.cephflow.workflows.common.RbdRef;
import java.util.List;
import java.util.Optional;

/**
 * Image lifecycle. Create and remove are idempotent at the storage boundary: removing what is
 * missing is success; creating what exists with the same spec is success, with another spec a
 * conflict.
 */
public interface RbdImages {
  /**
   * Creates the image; an existing image with the same size and features is success, another is
   * EXISTS.
   */
  void create(RbdRef ref, ImageSpec spec);

  boolean exists(RbdRef ref);

  ImageInfo stat(RbdRef ref);

  /** {@link #stat} of an image that may be missing, in one open: empty when there is none. */
  Optional<ImageInfo> find(RbdRef ref);

  /** Grows the image; shrinking is INVALID unless {@code allowShrink}. The same size is a no-op. */
  void resize(RbdRef ref, long newSizeBytes, boolean allowShrink);

  /** Removes the image; a missing image is success. HAS_SNAPSHOTS and BUSY are never swallowed. */
  void remove(RbdRef ref);

  /** Moves an image that is still busy (watched) to the trash; a missing image is success. */
  void moveToTrash(RbdRef ref);

  List<String> list(String pool);
}
