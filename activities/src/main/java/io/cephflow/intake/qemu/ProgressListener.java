package io.cephflow.intake.qemu;

/** Conversion progress as qemu-img reports it; a good heartbeat detail. */
@FunctionalInterface
public interface ProgressListener {

  ProgressListener NONE = percent -> {};

  /**
   * @param percent 0.0 to 100.0, non-decreasing
   */
  void onProgress(double percent);
}
