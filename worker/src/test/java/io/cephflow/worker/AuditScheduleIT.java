package io.cephflow.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cephflow.workflows.audit.AuditWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.client.schedules.ScheduleClientOptions;
import io.temporal.client.schedules.ScheduleHandle;
import io.temporal.client.schedules.ScheduleIntervalSpec;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The audit schedule against a real Temporal server (CEPHFLOW_E2E_TEMPORAL): made when absent,
 * updated when the configured interval changed, left as it is (paused stays paused) when not.
 */
class AuditScheduleIT {
  WorkflowServiceStubs stubs;
  WorkflowClient client;
  ScheduleHandle handle;

  @BeforeEach
  void connect() {
    String target = System.getenv("CEPHFLOW_E2E_TEMPORAL");
    assumeTrue(target != null, "needs a real Temporal server (CEPHFLOW_E2E_TEMPORAL)");
    stubs =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget(target).build());
    String namespace = System.getenv().getOrDefault("CEPHFLOW_E2E_NAMESPACE", "default");
    client =
        WorkflowClient.newInstance(
            stubs, WorkflowClientOptions.newBuilder().setNamespace(namespace).build());
    handle =
        ScheduleClient.newInstance(
                stubs, ScheduleClientOptions.newBuilder().setNamespace(namespace).build())
            .getHandle(AuditWorkflow.SCHEDULE_ID);
    try {
      handle.delete();
    } catch (RuntimeException absent) {
      // none yet
    }
  }

  @AfterEach
  void close() {
    if (handle != null) handle.delete();
    if (stubs != null) stubs.shutdownNow();
  }

  List<Duration> intervals() {
    return handle.describe().getSchedule().getSpec().getIntervals().stream()
        .map(ScheduleIntervalSpec::getEvery)
        .toList();
  }

  static AuditProperties every(Duration d) {
    return new AuditProperties(d, false, Duration.ofHours(1), List.of());
  }

  @Test
  void madeWhenAbsentUpdatedWhenTheIntervalChangedLeftAsItIsOtherwise() {
    AuditSchedule.ensure(client, every(Duration.ofHours(6)));
    assertThat(intervals()).containsExactly(Duration.ofHours(6));

    AuditSchedule.ensure(client, every(Duration.ofHours(2)));
    assertThat(intervals())
        .as("a changed interval updates it")
        .containsExactly(Duration.ofHours(2));

    handle.pause("paused by hand");
    AuditSchedule.ensure(client, every(Duration.ofHours(2)));
    assertThat(intervals()).containsExactly(Duration.ofHours(2));
    assertThat(handle.describe().getSchedule().getState().isPaused())
        .as("the same interval: untouched")
        .isTrue();

    AuditSchedule.ensure(client, every(Duration.ofMinutes(30)));
    assertThat(intervals()).containsExactly(Duration.ofMinutes(30));
    assertThat(handle.describe().getSchedule().getState().isPaused())
        .as("an update keeps its state")
        .isTrue();
  }
}
