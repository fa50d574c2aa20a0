package io.cephflow.workflows.server;

import io.cephflow.workflows.common.TaskQueues;
import io.cephflow.workflows.testing.InMemoryRecords;
import io.cephflow.workflows.testing.WorkflowTestBed;
import io.temporal.activity.ActivityOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.RetryOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkflowImplementationOptions;
import java.time.Duration;
import java.util.List;

/**
 * Like WorkflowTestBed, plus a second worker on the hypervisor's own task queue: the boot
 * flows must route libvirt steps there (a mock registered on the storage queue would hide a
 * missing {@code setTaskQueue}).
 */
final class ServerTestBed implements AutoCloseable {
  static final String QUEUE = "test";
  static final String HOST = "hv1";
  private final TestWorkflowEnvironment env = WorkflowTestBed.newEnvironment();
  private final InMemoryRecords records = new InMemoryRecords();

  /** {@code workflows} are registered on the storage queue; a fake child workflow goes there too. */
  ServerTestBed(List<Class<?>> workflows, HypervisorActivities hypervisor, Object... storageActivities) {
    Worker worker = env.newWorker(QUEUE);
    worker.registerWorkflowImplementationTypes(WorkflowTestBed.OPTIONS, workflows.toArray(new Class<?>[0]));
    WorkflowTestBed.registerFlattenManager(worker, WorkflowTestBed.OPTIONS);
    worker.registerActivitiesImplementations(storageActivities);
    worker.registerActivitiesImplementations(records);
    env.newWorker(TaskQueues.host(HOST)).registerActivitiesImplementations(hypervisor);
    env.start();
  }

  String operation(String workflowId) {
    return WorkflowTestBed.operation(env, workflowId);
  }

  InMemoryRecords records() {
    return records;
  }

  TestWorkflowEnvironment env() {
    return env;
  }

  <T> T stub(Class<T> workflow, String workflowId) {
    return env.getWorkflowClient().newWorkflowStub(workflow,
        WorkflowOptions.newBuilder().setTaskQueue(QUEUE).setWorkflowId(workflowId).build());
  }

  void recordHistory(String workflowId, String name) {
    WorkflowTestBed.recordHistory(env, workflowId, name);
  }

  @Override
  public void close() {
    env.close();
  }
}
