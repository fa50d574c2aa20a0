package io.cephflow.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityOptions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ActivityOptionsFactoryTest {
  private static WorkerProperties.ActivitySettings only(Duration startToClose, Duration heartbeat) {
    return new WorkerProperties.ActivitySettings(startToClose, heartbeat, null, null, null);
  }

  @Test
  void overridingALongActivitysHeartbeatKeepsItsLongStartToClose() {
    var config =
        new WorkerProperties.Activities(
            only(Duration.ofSeconds(15), null),
            Map.of("WriteFromSource", only(null, Duration.ofSeconds(5))),
            Duration.ofMinutes(2));
    ActivityOptions write = ActivityOptionsFactory.perType(config).get("WriteFromSource");
    assertThat(write.getHeartbeatTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(write.getStartToCloseTimeout()).isEqualTo(Duration.ofHours(12));
  }

  @Test
  void shortActivitiesTakeTheConfiguredDefaultsAndLongOnesKeepTheirs() {
    var config =
        new WorkerProperties.Activities(
            only(Duration.ofSeconds(15), null), Map.of(), Duration.ofMinutes(2));
    assertThat(ActivityOptionsFactory.defaults(config).getStartToCloseTimeout())
        .isEqualTo(Duration.ofSeconds(15));
    ActivityOptions flatten = ActivityOptionsFactory.perType(config).get("FlattenImage");
    assertThat(flatten.getStartToCloseTimeout()).isEqualTo(Duration.ofHours(12));
    assertThat(flatten.getHeartbeatTimeout()).isEqualTo(Duration.ofSeconds(20));
    assertThat(flatten.getRetryOptions().getDoNotRetry()).contains("UnsafeImage", "InUse");
    // a canceled flow compensates only after the running step stopped
    assertThat(flatten.getCancellationType())
        .isEqualTo(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED);
    assertThat(ActivityOptionsFactory.defaults(config).getCancellationType())
        .isEqualTo(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED);
  }

  @Test
  void theLocalStepsRunWithTheConfiguredOptionsOfTheirType() {
    var config =
        new WorkerProperties.Activities(
            only(Duration.ofSeconds(15), null),
            Map.of("ClaimCreate", only(Duration.ofSeconds(7), null)),
            Duration.ofMinutes(2));
    var local = ActivityOptionsFactory.localPerType(config);
    assertThat(local.get("ClaimCreate").getStartToCloseTimeout()).isEqualTo(Duration.ofSeconds(7));
    assertThat(local.get("CloneImage").getStartToCloseTimeout()).isEqualTo(Duration.ofSeconds(15));
    assertThat(local.get("CloneImage").getRetryOptions().getDoNotRetry())
        .contains("UnsafeImage", "InUse");
    // the history keeps a local step's result, not its arguments (a claim holds the request)
    assertThat(local.get("ClaimCreate").isDoNotIncludeArgumentsIntoMarker()).isTrue();
  }

  @Test
  void anUnknownActivityTypeFailsTheStartNamingIt() {
    var config =
        new WorkerProperties.Activities(
            only(Duration.ofSeconds(15), null),
            Map.of("WriteFromSorce", only(null, Duration.ofSeconds(5))),
            Duration.ofMinutes(2));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ActivityOptionsFactory.perType(config))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cephflow.activities.types")
        .hasMessageContaining("WriteFromSorce")
        .hasMessageContaining("WriteFromSource");
  }

  @Test
  void theQuickLibvirtCallsAreBoundedTighterUnlessConfigured() {
    var config =
        new WorkerProperties.Activities(
            only(null, null),
            Map.of("DefineDomain", only(Duration.ofMinutes(7), null)),
            Duration.ofMinutes(2));
    Map<String, ActivityOptions> options = ActivityOptionsFactory.perType(config);
    // a task lost on its way to the worker holds the flow this long, not the default 5 min
    assertThat(options.get("StartDomain").getStartToCloseTimeout())
        .isEqualTo(ActivityOptionsFactory.QUICK_START_TO_CLOSE);
    assertThat(options.get("UndefineDomain").getStartToCloseTimeout())
        .isEqualTo(Duration.ofMinutes(2));
    assertThat(options.get("DefineDomain").getStartToCloseTimeout())
        .isEqualTo(Duration.ofMinutes(7));
    // bounded by the boot timeout and by the request: the default
    assertThat(options.get("WaitRunning").getStartToCloseTimeout())
        .isEqualTo(Duration.ofMinutes(5));
    assertThat(options.get("ShutdownDomain").getStartToCloseTimeout())
        .isEqualTo(Duration.ofMinutes(5));
    // a lower default wins
    var low =
        new WorkerProperties.Activities(
            only(Duration.ofSeconds(15), null), Map.of(), Duration.ofMinutes(2));
    assertThat(ActivityOptionsFactory.perType(low).get("StartDomain").getStartToCloseTimeout())
        .isEqualTo(Duration.ofSeconds(15));
  }

  @Test
  void everyBuiltInKeyIsAnActivityTypeOfTheFlows() {
    assertThat(io.cephflow.workflows.ActivityTypes.names())
        .containsAll(ActivityOptionsFactory.LONG.keySet())
        .containsAll(ActivityOptionsFactory.QUICK)
        .contains(
            "WriteFromSource", "ConvertImageInto", "FlattenImage", "ClaimCreate", "StartDomain");
  }

  @Test
  void stepsOnAHostQueueWaitForTheirHostOnlyAsLongAsConfiguredAndKeepTheirOtherSettings() {
    var config =
        new WorkerProperties.Activities(
            only(Duration.ofSeconds(15), null),
            Map.of("StartDomain", only(Duration.ofSeconds(40), null)),
            Duration.ofSeconds(20));
    Map<String, ActivityOptions> types = ActivityOptionsFactory.perType(config);
    // a hypervisor step with nothing else configured: the timeout, and the defaults like every type
    assertThat(types.get("DefineDomain").getScheduleToStartTimeout())
        .isEqualTo(Duration.ofSeconds(20));
    assertThat(types.get("DefineDomain").getStartToCloseTimeout())
        .isEqualTo(Duration.ofSeconds(15));
    assertThat(types.get("StartDomain").getScheduleToStartTimeout())
        .isEqualTo(Duration.ofSeconds(20));
    assertThat(types.get("StartDomain").getStartToCloseTimeout()).isEqualTo(Duration.ofSeconds(40));
    // the staged import steps run on the staging host's queue; the streaming write and the storage
    // steps do not
    assertThat(types.get("WriteStaged").getScheduleToStartTimeout())
        .isEqualTo(Duration.ofSeconds(20));
    assertThat(types.get("WriteStaged").getStartToCloseTimeout()).isEqualTo(Duration.ofHours(12));
    assertThat(types.get("WriteFromSource").getScheduleToStartTimeout()).isNull();
    assertThat(types.get("CloneImage").getScheduleToStartTimeout()).isNull();
  }

  @Test
  void everyActivityTypeHasOptionsSoRoutedStepsGetThemToo() {
    var config =
        new WorkerProperties.Activities(
            only(Duration.ofSeconds(15), null), Map.of(), Duration.ofMinutes(2));
    assertThat(ActivityOptionsFactory.perType(config).keySet())
        .isEqualTo(io.cephflow.workflows.ActivityTypes.names());
  }

  /**
   * A step routed to a host's queue runs with the worker's options for its type, not HostRouting's.
   */
  @Test
  void aRoutedStepRunsWithTheConfiguredOptionsOfItsType() {
    // the defaults only (cephflow.activities.defaults): the type is not configured by itself
    var config =
        new WorkerProperties.Activities(
            new WorkerProperties.ActivitySettings(
                Duration.ofMinutes(7), null, 3, Duration.ofMillis(50), Duration.ofMillis(50)),
            Map.of(),
            Duration.ofMinutes(2));
    ATTEMPTS.set(0);
    try (var env = io.temporal.testing.TestWorkflowEnvironment.newInstance()) {
      var worker = env.newWorker("storage");
      worker.registerWorkflowImplementationTypes(
          io.temporal.worker.WorkflowImplementationOptions.newBuilder()
              .setDefaultActivityOptions(ActivityOptionsFactory.defaults(config))
              .setActivityOptions(ActivityOptionsFactory.perType(config))
              .build(),
          RoutedStep.class);
      env.newWorker("host-q")
          .registerActivitiesImplementations(
              org.mockito.Mockito.mock(
                  io.cephflow.workflows.hypervisor.HypervisorActivities.class,
                  org.mockito.Mockito.withSettings()
                      .withoutAnnotations()
                      .defaultAnswer(i -> echo())));
      env.start();
      var flow =
          env.getWorkflowClient()
              .newWorkflowStub(
                  Routed.class,
                  io.temporal.client.WorkflowOptions.newBuilder().setTaskQueue("storage").build());
      // start-to-close and attempts from cephflow.activities.defaults (HostRouting's own: 5 min,
      // 10)
      assertThat(flow.run()).isEqualTo("failed");
      assertThat(ATTEMPTS.get()).isEqualTo(3);
      assertThat(START_TO_CLOSE.get()).isEqualTo(Duration.ofMinutes(7));
    }
  }

  @io.temporal.workflow.WorkflowInterface
  public interface Routed {
    @io.temporal.workflow.WorkflowMethod
    String run();
  }

  public static class RoutedStep implements Routed {
    @Override
    public String run() {
      try {
        return io.cephflow.workflows.common.HostRouting.on(
                io.cephflow.workflows.hypervisor.HypervisorActivities.class, "host-q")
            .waitRunning("s1")
            .name(); // not a quick call: those are capped (theQuickLibvirtCalls...)
      } catch (io.temporal.failure.ActivityFailure e) {
        return "failed";
      }
    }
  }

  private static final java.util.concurrent.atomic.AtomicInteger ATTEMPTS =
      new java.util.concurrent.atomic.AtomicInteger();
  private static final java.util.concurrent.atomic.AtomicReference<Duration> START_TO_CLOSE =
      new java.util.concurrent.atomic.AtomicReference<>();

  /** Notes the options the running attempt was given, and fails it (retryably). */
  private static String echo() {
    ATTEMPTS.incrementAndGet();
    START_TO_CLOSE.set(
        io.temporal.activity.Activity.getExecutionContext().getInfo().getStartToCloseTimeout());
    throw new IllegalStateException("fails every time");
  }
}
