package io.cephflow.workflows.flatten;

/** What the depth policy asks of a new clone. */
public enum CloneFlatten {
  NONE,
  IN_BACKGROUND,
  BEFORE_RETURN
}
