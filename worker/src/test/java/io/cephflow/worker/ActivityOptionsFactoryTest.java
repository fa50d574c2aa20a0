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
    var config = new WorkerProperties.Activities(only(Duration.ofSeconds(15), null),
        Map.of("WriteFromSource", only(null, Duration.ofSeconds(5))), Duration.ofMinutes(2));
    ActivityOptions write = ActivityOptionsFactory.perType(config).get("WriteFromSource");
    assertThat(write.getHeartbeatTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(write.getStartToCloseTimeout()).isEqualTo(Duration.ofHours(12));
  }

  @Test
  void shortActivitiesTakeTheConfiguredDefaultsAndLongOnesKeepTheirs() {
    var config = new WorkerProperties.Activities(only(Duration.ofSeconds(15), null), Map.of(),
        Duration.ofMinutes(2));
    assertThat(ActivityOptionsFactory.defaults(config).getStartToCloseTimeout()).isEqualTo(Duration.ofSeconds(15));
    ActivityOptions flatten = ActivityOptionsFactory.perType(config).get("FlattenImage");
    assertThat(flatten.getStartToCloseTimeout()).isEqualTo(Duration.ofHours(12));
    assertThat(flatten.getHeartbeatTimeout()).isEqualTo(Duration.ofSeconds(20));
    assertThat(flatten.getRetryOptions().getDoNotRetry()).contains("UnsafeImage", "InUse");
    // a canceled flow compensates only after the running step stopped
    assertThat(flatten.getCancellationType()).isEqualTo(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED);
    assertThat(ActivityOptionsFactory.defaults(config).getCancellationType())
        .isEqualTo(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED);
  }

  @Test
  void anUnknownActivityTypeFailsTheStartNamingIt() {
    var config = new WorkerProperties.Activities(only(Duration.ofSeconds(15), null),
        Map.of("WriteFromSorce", only(null, Duration.ofSeconds(5))), Duration.ofMinutes(2));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ActivityOptionsFactory.perType(config))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("cephflow.activities.types")
        .hasMessageContaining("WriteFromSorce").hasMessageContaining("WriteFromSource");
  }

  @Test
  void everyBuiltInKeyIsAnActivityTypeOfTheFlows() {
    assertThat(io.cephflow.workflows.ActivityTypes.names()).containsAll(ActivityOptionsFactory.LONG.keySet())
        .contains("WriteFromSource", "ConvertImageInto", "FlattenImage", "ClaimCreate", "StartDomain");
  }

  @Test
  void stepsOnAHostQueueWaitForTheirHostOnlyAsLongAsConfiguredAndKeepTheirOtherSettings() {
    var config = new WorkerProperties.Activities(only(Duration.ofSeconds(15), null),
        Map.of("StartDomain", only(Duration.ofSeconds(40), null)), Duration.ofSeconds(20));
    Map<String, ActivityOptions> types = ActivityOptionsFactory.perType(config);
    // a hypervisor step with nothing else configured: only the timeout, HostRouting.STEP gives the rest
    assertThat(types.get("DefineDomain").getScheduleToStartTimeout()).isEqualTo(Duration.ofSeconds(20));
    assertThat(types.get("DefineDomain").getStartToCloseTimeout()).isNull();
    assertThat(types.get("DefineDomain").getRetryOptions()).isNull();
    assertThat(types.get("StartDomain").getScheduleToStartTimeout()).isEqualTo(Duration.ofSeconds(20));
    assertThat(types.get("StartDomain").getStartToCloseTimeout()).isEqualTo(Duration.ofSeconds(40));
    // the staged import steps run on the staging host's queue; the streaming write and the storage steps do not
    assertThat(types.get("WriteStaged").getScheduleToStartTimeout()).isEqualTo(Duration.ofSeconds(20));
    assertThat(types.get("WriteStaged").getStartToCloseTimeout()).isEqualTo(Duration.ofHours(12));
    assertThat(types.get("WriteFromSource").getScheduleToStartTimeout()).isNull();
    assertThat(types).doesNotContainKey("CloneImage");
  }
}
