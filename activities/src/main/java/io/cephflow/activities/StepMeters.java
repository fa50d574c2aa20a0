package io.cephflow.activities;

import io.temporal.activity.ActivityExecutionContext;
import java.util.Map;

/**
 * Figures only a step itself knows, through its activity's metrics scope (so they carry the
 * activity and workflow type like the SDK's own): {@code
 * cephflow_bytes_total{direction="flattened"}} (the flattened image's size: its whole extent is the
 * parent's no more) and {@code cephflow_clones_total{pool, depth}} (every clone made, by its depth:
 * 1 for a clone of an image that is not itself a clone). The SDK's metrics reporter drops tally
 * histograms, so depth is a bounded label of a counter. The worker's {@code FlowMetrics} counts the
 * bytes of the import steps.
 */
final class StepMeters {
  private StepMeters() {}

  static void flattened(ActivityExecutionContext ctx, String pool, long bytes) {
    ctx.getMetricsScope()
        .tagged(Map.of("direction", "flattened", "pool", pool, "source", "rbd"))
        .counter("cephflow_bytes")
        .inc(bytes);
  }

  /**
   * Clones are counted by depth, a label of at most 17 values ({@code 1} … {@code 16}, {@code
   * 16+}).
   */
  static void cloneDepth(ActivityExecutionContext ctx, String pool, int depth) {
    ctx.getMetricsScope()
        .tagged(Map.of("pool", pool, "depth", depthLabel(depth)))
        .counter("cephflow_clones")
        .inc(1);
  }

  static String depthLabel(int depth) {
    return depth > 16 ? "16+" : Integer.toString(Math.max(depth, 0));
  }
}
