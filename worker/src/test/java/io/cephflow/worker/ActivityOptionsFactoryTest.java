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
        Map.of("WriteFromSource", only(null, Duration.ofSeconds(5))));
    ActivityOptions write = ActivityOptionsFactory.perType(config).get("WriteFromSource");
    assertThat(write.getHeartbeatTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(write.getStartToCloseTimeout()).isEqualTo(Duration.ofHours(12));
  }

  @Test
  void shortActivitiesTakeTheConfiguredDefaultsAndLongOnesKeepTheirs() {
    var config = new WorkerProperties.Activities(only(Duration.ofSeconds(15), null), Map.of());
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
        Map.of("WriteFromSorce", only(null, Duration.ofSeconds(5))));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ActivityOptionsFactory.perType(config))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("cephflow.activities.types")
        .hasMessageContaining("WriteFromSorce").hasMessageContaining("WriteFromSource");
  }

  @Test
  void everyBuiltInKeyIsAnActivityTypeOfTheFlows() {
    assertThat(io.cephflow.workflows.ActivityTypes.names()).containsAll(ActivityOptionsFactory.LONG.keySet())
        .contains("WriteFromSource", "ConvertImageInto", "FlattenImage", "ClaimCreate", "StartDomain");
  }
}
