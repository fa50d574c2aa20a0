package io.cephflow.workflows.server;

import io.cephflow.workflows.common.Compensations;
import io.cephflow.workflows.common.HostRouting;
import io.cephflow.workflows.common.RbdRef;
import io.cephflow.workflows.common.TaskQueues;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** The domain half of every boot flow, and how a flow reaches a hypervisor. */
final class DomainSteps {
  private DomainSteps() {}

  /** Hypervisor activities routed to that hypervisor's own worker. */
  static HypervisorActivities on(String hypervisor) {
    return HostRouting.on(HypervisorActivities.class, TaskQueues.host(hypervisor));
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
