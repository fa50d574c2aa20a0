package io.cephflow.worker;

import com.uber.m3.tally.Scope;
import io.cephflow.activities.CephflowActivities;
import io.cephflow.activities.HypervisorActivitiesImpl;
import io.cephflow.activities.ImportActivitiesImpl;
import io.cephflow.worker.limits.ActivityLimits;
import io.cephflow.worker.limits.ActivitySlots;
import io.cephflow.worker.logging.FlowLog;
import io.cephflow.worker.metrics.FlowMetrics;
import io.cephflow.workflows.WorkflowCatalog;
import io.cephflow.workflows.common.TaskQueues;
import io.cephflow.workflows.connection.TemporalConnection;
import io.cephflow.workflows.connection.TemporalMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.common.interceptors.WorkerInterceptor;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerFactoryOptions;
import io.temporal.worker.WorkerOptions;
import io.temporal.worker.WorkflowImplementationOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

/**
 * Temporal connection and workers, wired by hand: we need the sticky-queue timeout from
 * configuration (zero by default: a restarted worker process must get its workflows back at once
 * from Temporal's test server) and activity options per activity type from configuration.
 */
@Configuration(proxyBeanMethods = false)
public class TemporalConfig {
  private static final Logger log = LoggerFactory.getLogger(TemporalConfig.class);

  /**
   * The frontend this worker talks to, as configured (TLS, API key). A test's context may add a
   * primary one of its own (an in-process test server).
   */
  @Bean
  TemporalConnection temporalConnection(WorkerProperties props) {
    TemporalConnection connection = props.temporal().connection();
    log.info("cephflow worker talks to Temporal at {}", connection.describe());
    return connection;
  }

  @Bean(destroyMethod = "shutdown")
  WorkflowServiceStubs workflowServiceStubs(
      TemporalConnection connection,
      MeterRegistry registry,
      @org.springframework.beans.factory.annotation.Value("${cephflow.metrics.report-every:10s}")
          Duration every) {
    // the SDK's scope (and cephflow's metrics in it) reach the registry this often
    Scope scope = TemporalMetrics.scope(registry, every);
    return WorkflowServiceStubs.newServiceStubs(
        connection
            .applyTo(WorkflowServiceStubsOptions.newBuilder())
            .setMetricsScope(scope)
            .build());
  }

  /**
   * The SDK's and cephflow's series, trimmed to the labels and buckets they use (TemporalMetrics).
   */
  @Bean
  io.micrometer.core.instrument.config.MeterFilter temporalMeterFilter() {
    return TemporalMetrics.filter();
  }

  /**
   * Readiness: one GetSystemInfo round trip through the frontend, with this worker's TLS and key.
   */
  @Bean
  AbstractHealthIndicator temporalHealthIndicator(
      WorkflowServiceStubs stubs, TemporalConnection connection) {
    return new AbstractHealthIndicator("Temporal health check failed") {
      @Override
      protected void doHealthCheck(Health.Builder builder) {
        var temporal = TemporalConnection.reach(stubs, Duration.ofSeconds(5));
        if (temporal.up()) {
          builder
              .up()
              .withDetail("namespace", connection.namespace())
              .withDetail("serverVersion", temporal.detail());
        } else {
          builder.down().withDetail("error", temporal.detail());
        }
      }
    };
  }

  @Bean
  WorkflowClient workflowClient(WorkflowServiceStubs stubs, WorkerProperties props) {
    return WorkflowClient.newInstance(
        stubs,
        WorkflowClientOptions.newBuilder().setNamespace(props.temporal().namespace()).build());
  }

  @Bean(destroyMethod = "shutdown")
  WorkerFactory workerFactory(
      WorkflowClient client,
      TemporalConnection connection,
      WorkerProperties props,
      List<CephflowActivities> activities,
      ImportActivitiesImpl imports,
      LibvirtProperties host,
      RunningActivities running,
      ActivityLimits limits,
      org.springframework.beans.factory.ObjectProvider<WorkerInterceptor> extra,
      org.springframework.beans.factory.ObjectProvider<HypervisorActivitiesImpl> hypervisor) {
    SearchAttributes.ensureRegistered(connection);
    // the SDK wraps in list order, the last outermost: the slot wait (limits) runs inside the
    // drain's count and the flow log's step time, so a queued activity counts as running and its
    // step's duration includes the wait
    List<WorkerInterceptor> interceptors =
        new ArrayList<>(
            List.of(
                limits,
                running,
                new FlowLog(),
                new FlowMetrics(),
                new io.cephflow.worker.metrics.AuditMetrics()));
    // other interceptors of the context (none in production; the crash tests' kill switch),
    // outermost. The context holds limits and running as beans too: each is in the chain once (a
    // second ActivityLimits made every bounded step take two slots, and two steps deadlocked)
    extra.orderedStream().filter(i -> !interceptors.contains(i)).forEach(interceptors::add);
    WorkerFactory factory =
        WorkerFactory.newInstance(
            client,
            WorkerFactoryOptions.newBuilder()
                .setWorkerInterceptors(interceptors.toArray(new WorkerInterceptor[0]))
                .build());
    Worker worker =
        factory.newWorker(
            TaskQueues.STORAGE,
            progressFresh(WorkerOptions.newBuilder())
                .setStickyQueueScheduleToStartTimeout(props.worker().stickySchedule())
                .setMaxConcurrentActivityExecutionSize(props.worker().activitySlots())
                .build());
    worker.registerWorkflowImplementationTypes(
        WorkflowImplementationOptions.newBuilder()
            .setDefaultActivityOptions(ActivityOptionsFactory.defaults(props.activities()))
            .setActivityOptions(ActivityOptionsFactory.perType(props.activities()))
            .setDefaultLocalActivityOptions(
                ActivityOptionsFactory.local(ActivityOptionsFactory.defaults(props.activities())))
            .setLocalActivityOptions(ActivityOptionsFactory.localPerType(props.activities()))
            .build(),
        WorkflowCatalog.IMPLEMENTATIONS.toArray(new Class<?>[0]));
    worker.registerActivitiesImplementations(activities.toArray());
    // this host's own queue: steps on a file in this worker's scratch area, and with libvirt
    // (HypervisorConfig) this hypervisor's steps
    Worker hostQueue =
        factory.newWorker(
            TaskQueues.host(host.host()),
            progressFresh(WorkerOptions.newBuilder())
                .setMaxConcurrentActivityExecutionSize(props.worker().activitySlots())
                .build());
    hostQueue.registerActivitiesImplementations(imports);
    hypervisor.ifAvailable(
        h -> {
          hostQueue.registerActivitiesImplementations(h);
          log.info(
              "hypervisor {} ({}) serves task queue {}",
              host.host(),
              host.uri(),
              TaskQueues.host(host.host()));
        });
    return factory;
  }

  /** cephflow.limits: one set of slots per class for the whole process (both task queues). */
  @Bean
  ActivityLimits activityLimits(WorkerProperties props, MeterRegistry registry) {
    List<ActivitySlots> classes = new ArrayList<>();
    props
        .limits()
        .forEach(
            (name, l) ->
                classes.add(
                    new ActivitySlots(name, l.permits(), new java.util.HashSet<>(l.types()))));
    ActivityLimits limits = new ActivityLimits(classes);
    for (ActivitySlots c : limits.classes()) {
      registry.gauge(
          "cephflow_activity_slots_in_use",
          io.micrometer.core.instrument.Tags.of("class", c.name()),
          c,
          ActivitySlots::inUse);
      registry.gauge(
          "cephflow_activity_slots_waiting",
          io.micrometer.core.instrument.Tags.of("class", c.name()),
          c,
          ActivitySlots::waiting);
      log.info("limit {}: {} at once of {}", c.name(), c.permits(), c.types());
    }
    return limits;
  }

  @Bean
  RunningActivities runningActivities() {
    return new RunningActivities();
  }

  /** SIGTERM: stop polling, let running activities finish within cephflow.worker.shutdown-grace. */
  @Bean
  WorkerDrain workerDrain(
      WorkerFactory factory, RunningActivities running, WorkerProperties props) {
    return new WorkerDrain(factory, running, props.worker().shutdownGrace());
  }

  /**
   * The SDK sends an activity's heartbeat to the server at most every 0.8 x its heartbeat timeout
   * (16 s for the long steps): what an operation shows as bytes done was that old. Every {@link
   * #HEARTBEAT_EVERY} at most instead: one small RPC per running long step.
   */
  static final Duration HEARTBEAT_EVERY = Duration.ofSeconds(1);

  static WorkerOptions.Builder progressFresh(WorkerOptions.Builder b) {
    return b.setMaxHeartbeatThrottleInterval(HEARTBEAT_EVERY)
        .setDefaultHeartbeatThrottleInterval(HEARTBEAT_EVERY);
  }

  /** Workers poll only once the whole context is up (health, metrics, beans). */
  @EventListener(ApplicationReadyEvent.class)
  public void startWorkers(ApplicationReadyEvent event) {
    event.getApplicationContext().getBean(WorkerFactory.class).start();
    log.info(
        "cephflow workers polling task queues {} and {}",
        TaskQueues.STORAGE,
        TaskQueues.host(event.getApplicationContext().getBean(LibvirtProperties.class).host()));
  }
}
