package io.cephflow.worker;

import io.cephflow.workflows.audit.AuditRequest;
import io.cephflow.workflows.audit.AuditWorkflow;
import io.cephflow.workflows.common.TaskQueues;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.ScheduleOverlapPolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.schedules.Schedule;
import io.temporal.client.schedules.ScheduleActionStartWorkflow;
import io.temporal.client.schedules.ScheduleAlreadyRunningException;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.client.schedules.ScheduleClientOptions;
import io.temporal.client.schedules.ScheduleHandle;
import io.temporal.client.schedules.ScheduleIntervalSpec;
import io.temporal.client.schedules.ScheduleOptions;
import io.temporal.client.schedules.SchedulePolicy;
import io.temporal.client.schedules.ScheduleSpec;
import io.temporal.client.schedules.ScheduleUpdate;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the Temporal schedule {@value AuditWorkflow#SCHEDULE_ID} that runs the leak auditor every
 * {@code cephflow.audit.every}, if it does not exist. Every worker tries at start; the first wins,
 * the others find it. An existing schedule whose interval differs from the configured one is
 * updated to this worker's settings (interval, reap), so a changed {@code cephflow.audit.every}
 * takes effect at the next worker start; one with the same interval is left as it is.
 *
 * <p>Only workers ensure it, not the API: the interval and reap are worker settings, and a schedule
 * runs nothing without a worker; a second source of the same settings would make the two
 * deployments rewrite each other's schedule at every start.
 */
final class AuditSchedule {
  private static final Logger log = LoggerFactory.getLogger(AuditSchedule.class);

  private AuditSchedule() {}

  static void ensure(WorkflowClient client, AuditProperties props) {
    if (props.every().isZero() || props.every().isNegative()) {
      log.info("audit schedule disabled (cephflow.audit.every={})", props.every());
      return;
    }
    ScheduleClient schedules =
        ScheduleClient.newInstance(
            client.getWorkflowServiceStubs(),
            ScheduleClientOptions.newBuilder()
                .setNamespace(client.getOptions().getNamespace())
                .build());
    Schedule schedule =
        Schedule.newBuilder()
            .setAction(
                ScheduleActionStartWorkflow.newBuilder()
                    .setWorkflowType(AuditWorkflow.class)
                    .setArguments(new AuditRequest(props.reap(), null, List.of(), List.of()))
                    .setOptions(
                        WorkflowOptions.newBuilder()
                            .setWorkflowId(AuditWorkflow.SCHEDULE_ID)
                            .setTaskQueue(TaskQueues.STORAGE)
                            .build())
                    .build())
            .setSpec(
                ScheduleSpec.newBuilder()
                    .setIntervals(List.of(new ScheduleIntervalSpec(props.every())))
                    .build())
            .setPolicy(
                SchedulePolicy.newBuilder()
                    .setOverlap(ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_SKIP)
                    .build())
            .build();
    try {
      schedules.createSchedule(
          AuditWorkflow.SCHEDULE_ID, schedule, ScheduleOptions.newBuilder().build());
      log.info(
          "audit schedule {} created: every {}, reap {}",
          AuditWorkflow.SCHEDULE_ID,
          props.every(),
          props.reap());
    } catch (ScheduleAlreadyRunningException e) {
      try {
        updateIfChanged(schedules, schedule, props);
      } catch (StatusRuntimeException | io.temporal.client.schedules.ScheduleException u) {
        log.warn("audit schedule {} not updated: {}", AuditWorkflow.SCHEDULE_ID, u.getMessage());
      }
    } catch (StatusRuntimeException | io.temporal.client.schedules.ScheduleException e) {
      // the embedded test server has no schedules: audits run on demand only
      log.warn("audit schedule {} not created: {}", AuditWorkflow.SCHEDULE_ID, e.getMessage());
    }
  }

  /**
   * Updates the existing schedule to {@code wanted} when its interval is not the configured one.
   */
  private static void updateIfChanged(
      ScheduleClient schedules, Schedule wanted, AuditProperties props) {
    ScheduleHandle handle = schedules.getHandle(AuditWorkflow.SCHEDULE_ID);
    List<ScheduleIntervalSpec> now = handle.describe().getSchedule().getSpec().getIntervals();
    if (now != null && now.size() == 1 && now.get(0).getEvery().equals(props.every())) {
      log.info("audit schedule {} exists: every {}", AuditWorkflow.SCHEDULE_ID, props.every());
      return;
    }
    handle.update(
        input ->
            new ScheduleUpdate(
                Schedule.newBuilder(wanted)
                    .setState(input.getDescription().getSchedule().getState())
                    .build()));
    log.info(
        "audit schedule {} updated: every {} (was {}), reap {}",
        AuditWorkflow.SCHEDULE_ID,
        props.every(),
        now == null ? List.of() : now.stream().map(ScheduleIntervalSpec::getEvery).toList(),
        props.reap());
  }
}
