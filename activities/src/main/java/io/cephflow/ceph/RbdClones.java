package io.cephflow.ceph;

import java.util.List;
import java.util.Optional;

/** Copy-on-write clones and their parent chains. */
public interface RbdClones {
  /** Clones {@code parent} into {@code child}; an existing clone of the same parent is success. */
  void clone(SnapshotRef parent, ImageRef child, ImageSpec childSpec);

  /** Images cloned from the snapshot, as pool/name. */
  List<ImageRef> children(SnapshotRef snap);

  Optional<SnapshotRef> parent(ImageRef image);

  /** Number of ancestors: 0 for an image that is not a clone. */
  int depth(ImageRef image);

  /** Copies all parent data into the clone and detaches it; a non-clone is a no-op. */
  void flatten(ImageRef image, Progress progress);
}
