package io.cephflow.worker;

import io.cephflow.workflows.audit.AuditRequest;
import io.cephflow.workflows.audit.AuditWorkflow;
import io.cephflow.workflows.common.TaskQueues;
import io.grpc.StatusRuntimeException;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.schedules.Schedule;
import io.temporal.client.schedules.ScheduleActionStartWorkflow;
import io.temporal.client.schedules.ScheduleAlreadyRunningException;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.client.schedules.ScheduleClientOptions;
import io.temporal.client.schedules.ScheduleIntervalSpec;
import io.temporal.client.schedules.ScheduleOptions;
import io.temporal.client.schedules.SchedulePolicy;
import io.temporal.client.schedules.ScheduleSpec;
import io.temporal.api.enums.v1.ScheduleOverlapPolicy;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the Temporal schedule {@value AuditWorkflow#SCHEDULE_ID} that runs the leak auditor every
 * {@code cephflow.audit.every}, if it does not exist. Every worker tries at start; the first wins,
 * the others find it. An existing schedule is not changed (edit it with {@code temporal schedule}).
 */
final class AuditSchedule {
  private static final Logger log = LoggerFactory.getLogger(AuditSchedule.class);

  private AuditSchedule() {}

  static void ensure(WorkflowClient client, AuditProperties props) {
    if (props.every().isZero() || props.every().isNegative()) {
      log.info("audit schedule disabled (cephflow.audit.every={})", props.every());
      return;
    }
    ScheduleClient schedules = ScheduleClient.newInstance(client.getWorkflowServiceStubs(),
        ScheduleClientOptions.newBuilder().setNamespace(client.getOptions().getNamespace()).build());
    Schedule schedule = Schedule.newBuilder()
        .setAction(ScheduleActionStartWorkflow.newBuilder()
            .setWorkflowType(AuditWorkflow.class)
            .setArguments(new AuditRequest(props.reap(), null, List.of(), List.of()))
            .setOptions(WorkflowOptions.newBuilder().setWorkflowId(AuditWorkflow.SCHEDULE_ID)
                .setTaskQueue(TaskQueues.STORAGE).build())
            .build())
        .setSpec(ScheduleSpec.newBuilder()
            .setIntervals(List.of(new ScheduleIntervalSpec(props.every()))).build())
        .setPolicy(SchedulePolicy.newBuilder().setOverlap(ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_SKIP).build())
        .build();
    try {
      schedules.createSchedule(AuditWorkflow.SCHEDULE_ID, schedule, ScheduleOptions.newBuilder().build());
      log.info("audit schedule {} created: every {}, reap {}", AuditWorkflow.SCHEDULE_ID, props.every(), props.reap());
    } catch (ScheduleAlreadyRunningException e) {
      log.info("audit schedule {} exists", AuditWorkflow.SCHEDULE_ID);
    } catch (StatusRuntimeException | io.temporal.client.schedules.ScheduleException e) {
      // the embedded test server has no schedules: audits run on demand only
      log.warn("audit schedule {} not created: {}", AuditWorkflow.SCHEDULE_ID, e.getMessage());
    }
  }
}
