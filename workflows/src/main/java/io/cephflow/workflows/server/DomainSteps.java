package io.cephflow.workflows.server;

import io.cephflow.workflows.common.Compensations;
import io.cephflow.workflows.common.Failures;
import io.cephflow.workflows.common.RbdRef;
import io.cephflow.workflows.common.TaskQueues;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** The domain half of every boot flow, and how a flow reaches a hypervisor. */
final class DomainSteps {
  private DomainSteps() {}

  /**
   * Routing needs options here, and a stub given options does not inherit the worker's
   * defaults, so this is the base for hypervisor steps; the worker's per-activity-type options
   * still apply on top. The schedule-to-start timeout turns a hypervisor whose worker is not
   * polling (unknown name, host down) into a failure that compensates instead of a hang.
   */
  static final ActivityOptions HOST_STEP = ActivityOptions.newBuilder()
      .setScheduleToStartTimeout(Duration.ofMinutes(2))
      .setStartToCloseTimeout(Duration.ofMinutes(5))
      .setRetryOptions(RetryOptions.newBuilder()
          .setInitialInterval(Duration.ofSeconds(1))
          .setMaximumInterval(Duration.ofSeconds(30))
          .setMaximumAttempts(10)
          .setDoNotRetry(Failures.INVALID_REQUEST, Failures.NOT_FOUND, Failures.CONFLICT, Failures.IN_USE,
              Failures.PERMISSION_DENIED, Failures.POLICY)
          .build())
      .build();

  /** Hypervisor activities routed to that hypervisor's own worker. */
  static HypervisorActivities on(String hypervisor) {
    return Workflow.newActivityStub(HypervisorActivities.class,
        HOST_STEP.toBuilder().setTaskQueue(TaskQueues.host(hypervisor)).build());
  }

  /** ensure secret → define [undefine] → start [destroy] → wait until running; returns the state. */
  static String boot(HypervisorActivities hv, Compensations undo, String serverId, int vcpus, int memoryMiB,
                     List<RbdRef> disks, Map<String, String> tags, Consumer<String> step) {
    step.accept("ensure-secret");
    String secret = hv.ensureSecret();
    step.accept("define");
    undo.add("undefine instance-" + serverId, () -> hv.undefineDomain(serverId));
    hv.defineDomain(new ServerDomain(serverId, vcpus, memoryMiB, disks, secret, tags));
    step.accept("start");
    undo.add("destroy instance-" + serverId, () -> hv.destroyDomain(serverId));
    hv.startDomain(serverId);
    step.accept("wait-running");
    return hv.waitRunning(serverId);
  }
}
