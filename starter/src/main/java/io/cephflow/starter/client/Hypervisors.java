package io.cephflow.starter.client;

import io.cephflow.workflows.common.TaskQueues;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.TaskQueueType;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflowservice.v1.DescribeTaskQueueRequest;
import io.temporal.client.WorkflowClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.LoggerFactory;

/**
 * Which hypervisors have a worker: a host is known when something polls its task queue (Temporal
 * remembers pollers for a few minutes). A boot naming a host nobody serves is refused at once
 * instead of waiting for a schedule-to-start timeout. A positive answer is kept for a minute.
 */
public final class Hypervisors {
  private static final Duration KEEP = Duration.ofMinutes(1);
  private final WorkflowClient temporal;
  private final Clock clock;
  private final ConcurrentHashMap<String, Instant> seen = new ConcurrentHashMap<>();
  private volatile boolean unsupported;

  public Hypervisors(WorkflowClient temporal, Clock clock) {
    this.temporal = temporal;
    this.clock = clock;
  }

  /** False only when Temporal says no worker polls the host's queue. */
  public boolean served(String host) {
    if (unsupported) return true;
    Instant last = seen.get(host);
    if (last != null && last.plus(KEEP).isAfter(clock.instant())) return true;
    try {
      var pollers =
          temporal
              .getWorkflowServiceStubs()
              .blockingStub()
              .describeTaskQueue(
                  DescribeTaskQueueRequest.newBuilder()
                      .setNamespace(temporal.getOptions().getNamespace())
                      .setTaskQueue(TaskQueue.newBuilder().setName(TaskQueues.host(host)).build())
                      .setTaskQueueType(TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY)
                      .build())
              .getPollersCount();
      if (pollers == 0) return false;
      seen.put(host, clock.instant());
      return true;
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.UNIMPLEMENTED) throw e;
      // the embedded Java test server cannot describe queues: the flow's own timeout still applies
      LoggerFactory.getLogger(Hypervisors.class)
          .warn(
              "this Temporal server cannot describe task queues: "
                  + "hypervisor names are not checked at the door");
      unsupported = true;
      return true;
    }
  }
}
