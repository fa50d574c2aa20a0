package io.cephflow.worker;

import io.cephflow.workflows.ActivityTypes;
import io.cephflow.workflows.audit.HostAuditActivities;
import io.cephflow.workflows.common.Failures;
import io.cephflow.workflows.hypervisor.HypervisorActivities;
import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityOptions;
import io.temporal.activity.LocalActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.common.metadata.POJOActivityInterfaceMetadata;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Activity options per activity type, from configuration, outside workflow code. Long activities
 * get long start-to-close timeouts and a heartbeat timeout (they heartbeat progress); the typed
 * bad-input failures are declared non-retryable by type.
 */
public final class ActivityOptionsFactory {

  /** Built-in settings for the long activities; configuration overrides them. */
  static final Map<String, WorkerProperties.ActivitySettings> LONG =
      Map.of(
          "WriteFromSource", longRunning(),
          "StageSource", longRunning(),
          "WriteStaged", longRunning(),
          "ConvertStaged", longRunning(),
          "ConvertImageInto", longRunning(),
          "FlattenImage", longRunning());

  /**
   * Built-in settings for the libvirt calls that return in seconds (3.8 s at most in 100 concurrent
   * boots over 8 hosts on a saturated machine, bench/load-bench.sh 2026-12-03): a tighter
   * start-to-close, which includes a wait for a libvirt slot. A task the Temporal server loses on
   * its way to the worker (the dev server under that load lost 45 in one phase) holds its flow for
   * this long before the retry, not for the default 5 min. WaitRunning (bounded by
   * cephflow.libvirt.domain.boot-timeout) and ShutdownDomain (by the request) are not among them. A
   * start-to-close configured for the type, or a lower default, wins.
   */
  static final Set<String> QUICK =
      Set.of(
          "EnsureSecret",
          "DefineDomain",
          "StartDomain",
          "SuspendDomain",
          "ResumeDomain",
          "SnapshotWhilePaused",
          "DestroyDomain",
          "UndefineDomain",
          "DomainState");

  /** The quick calls' start-to-close, unless configured for the type or lower by default. */
  static final Duration QUICK_START_TO_CLOSE = Duration.ofMinutes(2);

  private static WorkerProperties.ActivitySettings longRunning() {
    // the SDK sends a heartbeat at most every 0.8 x this: how late progress and a cancel arrive
    return new WorkerProperties.ActivitySettings(
        Duration.ofHours(12), Duration.ofSeconds(20), 5, null, null);
  }

  /**
   * The activity types flows call only through a host's own queue (HostRouting): their
   * schedule-to-start timeout is {@code cephflow.activities.host-schedule-to-start}. (In histories
   * from before host affinity the staged import steps ran on the storage queue, which every worker
   * polls: the bound holds there too, as long as the workers take tasks.)
   */
  static Set<String> hostTypes() {
    Set<String> out =
        new TreeSet<>(
            List.of("StageSource", "VetStaged", "WriteStaged", "ConvertStaged", "RemoveStaged"));
    for (Class<?> i : List.of(HypervisorActivities.class, HostAuditActivities.class)) {
      POJOActivityInterfaceMetadata.newInstance(i)
          .getMethodsMetadata()
          .forEach(m -> out.add(m.getActivityTypeName()));
    }
    return out;
  }

  private ActivityOptionsFactory() {}

  public static ActivityOptions defaults(WorkerProperties.Activities config) {
    return build(config.defaults(), NOTHING);
  }

  /**
   * Every activity type's options; an unknown type, built in or configured, fails the start. Every
   * type is listed, not only the configured ones: a stub made with options of its own (a step
   * routed to one host's queue, {@code HostRouting}) does not inherit the defaults, but the SDK
   * applies these per-type options on top of any stub's, so each step runs with the configured
   * timeouts and retries wherever it is routed.
   */
  public static Map<String, ActivityOptions> perType(WorkerProperties.Activities config) {
    ActivityTypes.requireKnown("the built-in long activities", LONG.keySet());
    ActivityTypes.requireKnown("the built-in quick activities", QUICK);
    ActivityTypes.requireKnown("cephflow.activities.types", config.types().keySet());
    Map<String, WorkerProperties.ActivitySettings> merged = new HashMap<>(LONG);
    // field by field: overriding a built-in one's heartbeat keeps its start-to-close
    config
        .types()
        .forEach(
            (type, s) ->
                merged.merge(type, s, (builtIn, configured) -> configured.orElse(builtIn)));
    Map<String, ActivityOptions> out = new HashMap<>();
    for (String type : ActivityTypes.names()) {
      out.put(type, build(merged.getOrDefault(type, NOTHING), config.defaults()));
    }
    for (String type : QUICK) {
      WorkerProperties.ActivitySettings own = config.types().get(type);
      ActivityOptions o = out.get(type);
      if ((own == null || own.startToClose() == null)
          && o.getStartToCloseTimeout().compareTo(QUICK_START_TO_CLOSE) > 0) {
        out.put(type, o.toBuilder().setStartToCloseTimeout(QUICK_START_TO_CLOSE).build());
      }
    }
    Set<String> host = hostTypes();
    ActivityTypes.requireKnown("the host-routed activity types", host);
    // steps routed to one host's queue: how long they wait for its worker before HostUnavailable
    for (String type : host) {
      out.put(
          type,
          out.get(type).toBuilder()
              .setScheduleToStartTimeout(config.hostScheduleToStart())
              .build());
    }
    return out;
  }

  /**
   * The same options for the steps flows run as local activities ({@code Steps} in the workflows
   * module): the start-to-close and retries of the type, no arguments copied into the marker (the
   * history holds the step's result only).
   */
  public static Map<String, LocalActivityOptions> localPerType(WorkerProperties.Activities config) {
    Map<String, LocalActivityOptions> out = new HashMap<>();
    perType(config).forEach((type, options) -> out.put(type, local(options)));
    return out;
  }

  public static LocalActivityOptions local(ActivityOptions options) {
    return LocalActivityOptions.newBuilder()
        .setStartToCloseTimeout(options.getStartToCloseTimeout())
        .setRetryOptions(options.getRetryOptions())
        .setDoNotIncludeArgumentsIntoMarker(true)
        .build();
  }

  private static final WorkerProperties.ActivitySettings NOTHING =
      new WorkerProperties.ActivitySettings(null, null, null, null, null);

  private static ActivityOptions build(
      WorkerProperties.ActivitySettings s, WorkerProperties.ActivitySettings d) {
    Duration startToClose =
        first(s.startToClose(), d == null ? null : d.startToClose(), Duration.ofMinutes(5));
    Duration heartbeat = first(s.heartbeat(), null, null);
    int attempts = first(s.maxAttempts(), d == null ? null : d.maxAttempts(), 10);
    ActivityOptions.Builder b =
        ActivityOptions.newBuilder()
            // a canceled flow compensates only once the step has stopped (its heartbeat learns of
            // the cancel): else removing an image races the write into it, or a staged file the
            // download that is still writing it
            .setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED)
            .setStartToCloseTimeout(startToClose)
            .setRetryOptions(
                RetryOptions.newBuilder()
                    .setInitialInterval(
                        first(
                            s.initialInterval(),
                            d == null ? null : d.initialInterval(),
                            Duration.ofSeconds(1)))
                    .setMaximumInterval(
                        first(
                            s.maxInterval(),
                            d == null ? null : d.maxInterval(),
                            Duration.ofMinutes(1)))
                    .setMaximumAttempts(attempts)
                    .setDoNotRetry(Failures.NON_RETRYABLE)
                    .build());
    if (heartbeat != null) b.setHeartbeatTimeout(heartbeat);
    return b.build();
  }

  @SafeVarargs
  private static <T> T first(T... values) {
    for (T v : values) if (v != null) return v;
    return null;
  }
}
