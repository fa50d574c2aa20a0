package io.cephflow.worker.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.uber.m3.tally.Scope;
import io.cephflow.workflows.connection.TemporalMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The scrape stays small and meaningful: series shaped as the SDK makes them (every tag key, unused
 * ones {@code none}; timers with a full histogram) through {@link TemporalMetrics}.
 */
class TemporalMetricsTest {
  private static final String[] SDK_KEYS = {
    "namespace",
    "task_queue",
    "workflow_type",
    "activity_type",
    "worker_type",
    "operation",
    "status_code",
    "exception",
    "signal_name",
    "query_type"
  };

  private static Map<String, String> sdkTags(Map<String, String> set) {
    Map<String, String> tags = new HashMap<>();
    for (String k : SDK_KEYS) tags.put(k, "none");
    tags.putAll(set);
    return tags;
  }

  private static String scrape(int activityTypes, int rounds) throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().meterFilter(TemporalMetrics.filter());
    Scope root = TemporalMetrics.scope(registry, Duration.ofMillis(10));
    for (int r = 0; r < rounds; r++) {
      for (int a = 0; a < activityTypes; a++) {
        Scope activity =
            root.tagged(
                sdkTags(
                    Map.of(
                        "namespace",
                        "default",
                        "task_queue",
                        "cephflow-storage",
                        "activity_type",
                        "Step" + a,
                        "workflow_type",
                        "Flow" + (a % 12),
                        "worker_type",
                        "ActivityWorker",
                        "exception",
                        "java.lang.IllegalStateException")));
        activity
            .timer("temporal_activity_execution_latency")
            .record(com.uber.m3.util.Duration.ofMillis(40 + r));
        activity
            .timer("temporal_activity_schedule_to_start_latency")
            .record(com.uber.m3.util.Duration.ofMillis(3));
        activity.counter("temporal_activity_execution_failed").inc(1);
        activity
            .tagged(Map.of("direction", "written", "pool", "vms", "source", "rbd"))
            .counter("cephflow_bytes")
            .inc(4096);
        activity
            .tagged(Map.of("pool", "vms", "depth", Integer.toString(1 + r % 3)))
            .counter("cephflow_clones")
            .inc(1);
      }
      for (int w = 0; w < 12; w++) {
        Scope flow =
            root.tagged(
                sdkTags(
                    Map.of(
                        "namespace",
                        "default",
                        "task_queue",
                        "cephflow-storage",
                        "workflow_type",
                        "Flow" + w,
                        "outcome",
                        "completed",
                        "failure",
                        "none")));
        flow.counter("cephflow_flows").inc(1);
        flow.timer("cephflow_flow_duration").record(com.uber.m3.util.Duration.ofMillis(2300));
      }
      root.tagged(sdkTags(Map.of("namespace", "default", "operation", "PollActivityTaskQueue")))
          .timer("temporal_request_latency")
          .record(com.uber.m3.util.Duration.ofMillis(5));
    }
    root.close(); // reports what is pending
    return registry.scrape();
  }

  @Test
  void noFillerLabelsNoExceptionClassNamesAndBucketsOnlyWhereTheyAreRead() throws Exception {
    String scrape = scrape(49, 3);
    assertThat(scrape)
        .doesNotContain("signal_name=", "query_type=", "exception=", "IllegalStateException");
    // kept where they mean something
    assertThat(scrape)
        .contains("operation=\"PollActivityTaskQueue\"", "cephflow_bytes_total{", "pool=\"vms\"");
    assertThat(line(scrape, "cephflow_flows_total{"))
        .doesNotContain("activity_type=", "worker_type=", "operation=");
    // histograms: schedule-to-start and flow duration, a dozen buckets each; none for execution
    // latency
    assertThat(scrape)
        .doesNotContain("temporal_activity_execution_latency_seconds_bucket")
        .contains("temporal_activity_execution_latency_seconds_count");
    assertThat(count(scrape, "temporal_activity_schedule_to_start_latency_seconds_bucket{"))
        .isEqualTo(49 * 12);
    assertThat(count(scrape, "cephflow_flow_duration_seconds_bucket{")).isEqualTo(12 * 12);
    assertThat(count(scrape, "cephflow_clones_total{")).isEqualTo(49 * 3);
    assertThat(line(scrape, "cephflow_clones_total{")).contains("depth=\"1\"", "pool=\"vms\"");
  }

  /** 49 activity types, 12 flows, 20 rounds: every flow on one worker, all day. */
  @Test
  void everyFlowAllDayStaysUnderThreeThousandLines() throws Exception {
    assertThat(scrape(49, 20).lines().count()).isLessThan(3000);
  }

  private static String line(String scrape, String prefix) {
    return scrape
        .lines()
        .filter(l -> l.startsWith(prefix))
        .findFirst()
        .orElseThrow(() -> new AssertionError(prefix));
  }

  private static long count(String scrape, String prefix) {
    return scrape.lines().filter(l -> l.startsWith(prefix)).count();
  }
}
