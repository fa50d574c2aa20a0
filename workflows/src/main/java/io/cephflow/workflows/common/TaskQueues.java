package io.cephflow.workflows.common;

/** Task queue names, in one place. */
public final class TaskQueues {
  /** Workflows and the storage (librbd) activities. */
  public static final String STORAGE = "cephflow-storage";

  private TaskQueues() {}

  /** The queue a hypervisor's own worker polls (libvirt and host-local scratch work). */
  public static String host(String hypervisor) {
    return "cephflow-host-" + hypervisor;
  }
}
