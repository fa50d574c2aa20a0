package io.cephflow.ceph;

/** Receives progress of long operations (bytes or units done of total); must be cheap. */
@FunctionalInterface
public interface Progress {
  void update(long done, long total);

  /**
   * Progress of a preparatory pass (an export to scratch before a conversion) that does not move
   * the step's own resume point; {@code total} is -1 when unknown. Ignored unless overridden.
   */
  default void preparing(long done, long total) {}

  Progress NONE = (done, total) -> {};
}
