package io.cephflow.workflows.volume;

import io.cephflow.workflows.common.Failures;
import io.cephflow.workflows.common.Flow;
import io.cephflow.workflows.common.Provenance;
import io.cephflow.workflows.common.RbdRef;
import io.cephflow.workflows.flatten.CloneDepth;
import io.cephflow.workflows.storage.StorageActivities;
import io.cephflow.workflows.storage.StorageActivities.ImageStat;
import io.temporal.workflow.Workflow;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Small pieces the volume creation flows share (workflow code). */
final class VolumeSteps {
  private VolumeSteps() {}

  /** The size to resize to: the requested one, or the source's when none was asked for. */
  static long targetSize(long requested, long sourceSize, String source) {
    if (requested == 0) return sourceSize;
    if (requested < sourceSize) {
      throw Failures.invalidRequest(
          "the volume ("
              + requested
              + " bytes) cannot be smaller than "
              + source
              + " ("
              + sourceSize
              + " bytes)");
    }
    return requested;
  }

  static void recordSource(StorageActivities storage, RbdRef volume, String source) {
    storage.setMetadata(
        volume,
        Map.of(
            Provenance.SOURCE,
            source,
            Provenance.CREATED_AT,
            Instant.ofEpochMilli(Workflow.currentTimeMillis()).toString()));
  }

  /**
   * The common end of every volume creation: grow to the asked size, record where the data came
   * from, settle the record, and report the volume as Ceph now has it.
   *
   * @param provenance with resource records: the copy's own provenance (replacing what the clone
   *     inherited from its parent), else null (flows from before: only the source is set)
   */
  static VolumeResult finish(
      StorageActivities storage,
      Flow flow,
      String volumeId,
      RbdRef volume,
      long size,
      long currentSize,
      String source,
      Map<String, String> provenance,
      List<String> keep) {
    return finish(
        storage, flow, volumeId, volume, size, currentSize, source, provenance, keep, null);
  }

  /**
   * {@link #finish} with the depth policy for a cloned volume (null: not a clone, or a flow from
   * before it): above the hard limit flattened here, above the soft one in the background once the
   * flow succeeded.
   */
  static VolumeResult finish(
      StorageActivities storage,
      Flow flow,
      String volumeId,
      RbdRef volume,
      long size,
      long currentSize,
      String source,
      Map<String, String> provenance,
      List<String> keep,
      CloneDepth depth) {
    if (depth != null) depth.flattenIfAboveHard(flow::report);
    if (size > currentSize) {
      flow.at("resize");
      storage.resizeImage(volume, size, false);
    }
    flow.at("metadata"); // a clone moved no bytes: none to show at "done"
    if (provenance == null) {
      recordSource(storage, volume, source);
    } else {
      Map<String, String> own = new java.util.HashMap<>(provenance);
      own.put(Provenance.SOURCE, source);
      storage.replaceProvenance(volume, own, keep);
    }
    ImageStat done = storage.statImage(volume);
    flow.life().created("volume", volumeId, null);
    if (depth != null) flow.afterSuccess(() -> depth.flattenInBackgroundIfAboveSoft(flow::report));
    return result(volumeId, volume, done);
  }

  static VolumeResult result(String volumeId, RbdRef volume, ImageStat stat) {
    return new VolumeResult(
        volumeId,
        volume.pool(),
        volume.image(),
        stat.sizeBytes(),
        stat.parent() == null ? null : stat.parent().toString(),
        stat.depth());
  }
}
