package io.cephflow.workflows.connection;

import com.uber.m3.tally.RootScopeBuilder;
import com.uber.m3.tally.Scope;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.temporal.common.reporter.MicrometerClientStatsReporter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The Temporal SDK's metrics (and cephflow's, which go through the SDK's scope) as they reach
 * Prometheus, for the worker and the API alike. Left alone, the SDK gives every series all of its
 * tag keys (unused ones set to {@code none}) and every timer a 69-bucket histogram, so a worker's
 * scrape grew from 3,000 to 29,000 lines in ten minutes of flows. {@link #filter()}:
 *
 * <ul>
 *   <li>drops the tag keys a family never uses ({@code signal_name}, {@code query_type} everywhere;
 *       {@code operation} and {@code status_code} outside the request metrics; {@code worker_type}
 *       outside the worker and poller gauges; {@code activity_type} on workflow and flow metrics)
 *       and {@code exception}, a Java class name: cephflow's failures are counted by failure type
 *       in {@code cephflow_activity_failures_total} and {@code cephflow_flows_total};
 *   <li>keeps histograms only where an alert or a dashboard reads quantiles (schedule-to-start
 *       latencies, flow durations), with a dozen buckets each; every other timer is its count, sum
 *       and max.
 * </ul>
 *
 * The same key is dropped from every series of a family, so each family keeps one label set.
 */
public final class TemporalMetrics {
  private static final Set<String> NEVER = Set.of("signal_name", "query_type", "exception");

  /** Buckets in seconds: queueing of one task (ms to minutes). */
  private static final double[] QUEUE_SECONDS = {
    0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15, 60, 300
  };

  /** Buckets in seconds: a whole flow (a clone boot to a 12-hour import). */
  private static final double[] FLOW_SECONDS = {0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 14400};

  /** Family (a name prefix) → the histogram's buckets; a timer not listed gets none. */
  private static final Map<String, double[]> HISTOGRAMS =
      Map.of(
          "temporal_activity_schedule_to_start_latency", QUEUE_SECONDS,
          "temporal_workflow_task_schedule_to_start_latency", QUEUE_SECONDS,
          "cephflow_flow_duration", FLOW_SECONDS);

  private TemporalMetrics() {}

  /** The scope to give the service stubs: reported into {@code registry} every {@code every}. */
  public static Scope scope(MeterRegistry registry, Duration every) {
    return new RootScopeBuilder()
        .reporter(new MicrometerClientStatsReporter(registry))
        .reportEvery(com.uber.m3.util.Duration.ofMillis(every.toMillis()));
  }

  /** Register as a bean: Spring Boot applies it to every registry. */
  public static MeterFilter filter() {
    return new MeterFilter() {
      @Override
      public Meter.Id map(Meter.Id id) {
        String name = id.getName();
        if (!name.startsWith("temporal_") && !name.startsWith("cephflow_")) return id;
        List<Tag> kept = id.getTags().stream().filter(t -> !dropped(name, t.getKey())).toList();
        return kept.size() == id.getTags().size() ? id : id.replaceTags(kept);
      }

      @Override
      public DistributionStatisticConfig configure(
          Meter.Id id, DistributionStatisticConfig config) {
        String name = id.getName();
        if (!name.startsWith("temporal_") && !name.startsWith("cephflow_")) return config;
        double[] buckets =
            HISTOGRAMS.entrySet().stream()
                .filter(e -> name.startsWith(e.getKey()))
                .map(Map.Entry::getValue)
                .findFirst()
                .orElse(null);
        boolean timer =
            id.getType() == Meter.Type.TIMER || id.getType() == Meter.Type.LONG_TASK_TIMER;
        double[] slo =
            buckets == null
                ? new double[0]
                : timer
                    ? java.util.Arrays.stream(buckets)
                        .map(s -> TimeUnit.MILLISECONDS.toNanos((long) (s * 1000)))
                        .toArray()
                    : buckets;
        return DistributionStatisticConfig.builder()
            .percentilesHistogram(false)
            .percentiles()
            .serviceLevelObjectives(slo)
            .build()
            .merge(config);
      }
    };
  }

  static boolean dropped(String family, String key) {
    if (NEVER.contains(key)) return true;
    boolean request =
        family.startsWith("temporal_request") || family.startsWith("temporal_long_request");
    if ((key.equals("operation") || key.equals("status_code")) && !request) return true;
    boolean workerGauge =
        family.startsWith("temporal_worker_")
            || family.startsWith("temporal_poller_")
            || family.startsWith("temporal_num_pollers")
            || family.startsWith("temporal_sticky_cache");
    if (key.equals("worker_type") && !workerGauge) return true;
    boolean workflowLevel =
        family.startsWith("temporal_workflow_") || family.startsWith("cephflow_flow");
    return key.equals("activity_type") && (workflowLevel || request);
  }
}
