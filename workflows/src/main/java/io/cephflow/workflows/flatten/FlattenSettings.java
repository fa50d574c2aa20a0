package io.cephflow.workflows.flatten;

import io.temporal.workflow.Workflow;
import java.util.Map;

/**
 * The flatten manager's settings as the worker was configured ({@code cephflow.flatten.*} and
 * {@code cephflow.clone-depth.<pool>.*}), installed once at start-up. Workflow code reads them only
 * through {@link #recorded()}, a side effect: the values a flow decided on are in its history, so a
 * replay after a configuration change decides the same.
 *
 * @param maxConcurrent flattens running at once in the whole cluster
 * @param depth per pool; a pool not named gets {@link DepthLimits#DEFAULTS}
 */
public record FlattenSettings(int maxConcurrent, Map<String, DepthLimits> depth) {
  /** Cinder's default for concurrent flattens. */
  public static final int DEFAULT_MAX_CONCURRENT = 3;

  public static final FlattenSettings DEFAULTS =
      new FlattenSettings(DEFAULT_MAX_CONCURRENT, Map.of());
  private static volatile FlattenSettings installed = DEFAULTS;

  public FlattenSettings {
    if (maxConcurrent < 1)
      throw new IllegalArgumentException("cephflow.flatten.max-concurrent must be at least 1");
    depth = depth == null ? Map.of() : Map.copyOf(depth);
  }

  public DepthLimits limitsFor(String pool) {
    return depth.getOrDefault(pool, DepthLimits.DEFAULTS);
  }

  /** Called by the worker (and tests) before its workers start. */
  public static void install(FlattenSettings settings) {
    installed = settings == null ? DEFAULTS : settings;
  }

  public static FlattenSettings installed() {
    return installed;
  }

  /** Workflow code: the installed settings, recorded in the history. */
  public static FlattenSettings recorded() {
    return Workflow.sideEffect(FlattenSettings.class, FlattenSettings::installed);
  }
}
