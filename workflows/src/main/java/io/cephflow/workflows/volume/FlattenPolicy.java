package io.cephflow.workflows.volume;

/** When a clone is flattened: never, always, or when its clone depth would exceed the maximum. */
public enum FlattenPolicy {
  NEVER,
  ALWAYS,
  DEPTH
}
