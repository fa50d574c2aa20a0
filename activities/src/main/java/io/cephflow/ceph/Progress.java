package io.cephflow.ceph;

/** Receives progress of long operations (bytes or units done of total); must be cheap. */
@FunctionalInterface
public interface Progress {
  void update(long done, long total);

  Progress NONE = (done, total) -> {};
}
