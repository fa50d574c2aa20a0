package io.cephflow.workflows.server;

import io.cephflow.workflows.common.Compensations;
import io.cephflow.workflows.common.HostRouting;
import io.cephflow.workflows.common.RbdRef;
import io.cephflow.workflows.common.TaskQueues;
import io.cephflow.workflows.hypervisor.DomainState;
import io.cephflow.workflows.hypervisor.HypervisorActivities;
import io.cephflow.workflows.hypervisor.ServerDomain;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** The domain half of every boot flow, and how a flow reaches a hypervisor. */
final class DomainSteps {
  private DomainSteps() {}

  /** The state a server result reports (null when the activity gave none). */
  static String reported(DomainState state) {
    return state == null ? null : state.name();
  }

  /** Hypervisor activities routed to that hypervisor's own worker. */
  static HypervisorActivities on(String hypervisor) {
    return HostRouting.on(HypervisorActivities.class, TaskQueues.host(hypervisor));
  }

  /**
   * ensure secret → define [undefine] → start [destroy] → wait until running; returns the state.
   */
  static DomainState boot(
      HypervisorActivities hv,
      Compensations undo,
      String serverId,
      int vcpus,
      int memoryMiB,
      List<RbdRef> disks,
      Map<String, String> tags,
      Consumer<String> step) {
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
