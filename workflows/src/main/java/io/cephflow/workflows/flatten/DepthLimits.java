package io.cephflow.workflows.flatten;

/**
 * How deep a clone chain may grow in one pool (ceph-csi's {@code rbdSoftMaxCloneDepth} and {@code
 * rbdHardMaxCloneDepth}): a new clone deeper than {@code soft} is flattened in the background; one
 * deeper than {@code hard} is flattened before its operation returns.
 */
public record DepthLimits(int soft, int hard) {
  /** ceph-csi's defaults. */
  public static final DepthLimits DEFAULTS = new DepthLimits(4, 8);

  public DepthLimits {
    if (soft < 1 || hard < soft) {
      throw new IllegalArgumentException(
          "clone depth limits need 1 <= soft <= hard, not soft " + soft + ", hard " + hard);
    }
  }

  /** What a new clone at {@code depth} (1: a clone of an image that is no clone) needs. */
  public CloneFlatten decide(int depth) {
    if (depth > hard) return CloneFlatten.BEFORE_RETURN;
    if (depth > soft) return CloneFlatten.IN_BACKGROUND;
    return CloneFlatten.NONE;
  }
}
