package io.cephflow.ceph;

import io.cephflow.workflows.common.RbdRef;
import io.cephflow.workflows.common.SnapRef;
import java.util.List;
import java.util.Optional;

/** Copy-on-write clones and their parent chains. */
public interface RbdClones {
  /** Clones {@code parent} into {@code child}; an existing clone of the same parent is success. */
  void clone(SnapRef parent, RbdRef child, ImageSpec childSpec);

  /** Images cloned from the snapshot, as pool/name. */
  List<RbdRef> children(SnapRef snap);

  Optional<SnapRef> parent(RbdRef image);

  /** Number of ancestors: 0 for an image that is not a clone. */
  int depth(RbdRef image);

  /**
   * The depth of an image already stat'ed: its parent's chain, without opening the image again
   * (every open is a few OSD round trips, and the flows stat before they ask).
   */
  default int depth(ImageInfo info) {
    return info.parent().map(p -> 1 + depth(p.image())).orElse(0);
  }

  /** Copies all parent data into the clone and detaches it; a non-clone is a no-op. */
  void flatten(RbdRef image, Progress progress);
}
