package io.cephflow.workflows.flatten;

import io.cephflow.workflows.common.RbdRef;
import io.cephflow.workflows.common.SnapRef;
import io.cephflow.workflows.common.TaskQueues;
import io.cephflow.workflows.hypervisor.HypervisorActivities;
import io.cephflow.workflows.storage.StorageActivities;
import io.cephflow.workflows.testing.FakeCeph;
import io.cephflow.workflows.testing.InMemoryRecords;
import io.cephflow.workflows.testing.WorkflowTestBed;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkflowImplementationOptions;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The flatten manager's workflows (and the flows under test) over {@link FakeCeph}, in real time,
 * with the flatten activity instrumented: it counts how many run at once, takes {@link
 * #FLATTEN_TIME} heartbeating (when there is something to flatten), and blocks (still heartbeating,
 * so a cancel reaches it) while its image is held.
 */
final class FlattenBed implements AutoCloseable {
  static final String HOST = "hv1";
  static final Duration FLATTEN_TIME = Duration.ofMillis(150);
  final FakeCeph ceph = new FakeCeph();
  final InMemoryRecords records = new InMemoryRecords();
  final AtomicInteger running = new AtomicInteger();
  final AtomicInteger maxRunning = new AtomicInteger();
  final Map<String, AtomicInteger> flattenCalls = new ConcurrentHashMap<>();
  final Set<String> held = ConcurrentHashMap.newKeySet();
  private final TestWorkflowEnvironment env = WorkflowTestBed.newEnvironment(false);

  FlattenBed(HypervisorActivities hv, Class<?>... flows) {
    FlattenSettings.install(new FlattenSettings(2, Map.of()));
    // the flatten heartbeats: a cancel reaches it within a second, as on the worker
    WorkflowImplementationOptions options =
        WorkflowImplementationOptions.newBuilder()
            .setDefaultActivityOptions(WorkflowTestBed.OPTIONS.getDefaultActivityOptions())
            .setActivityOptions(
                Map.of(
                    "FlattenImage",
                    ActivityOptions.newBuilder(WorkflowTestBed.OPTIONS.getDefaultActivityOptions())
                        .setHeartbeatTimeout(Duration.ofSeconds(1))
                        .build()))
            .build();
    Worker worker = env.newWorker(WorkflowTestBed.QUEUE);
    worker.registerWorkflowImplementationTypes(
        options, FlattenWorkflowImpl.class, FlattenCoordinatorWorkflowImpl.class);
    if (flows.length > 0) worker.registerWorkflowImplementationTypes(options, flows);
    worker.registerActivitiesImplementations(instrumented(), records);
    if (hv != null) env.newWorker(TaskQueues.host(HOST)).registerActivitiesImplementations(hv);
    env.start();
  }

  private StorageActivities instrumented() {
    return (StorageActivities)
        Proxy.newProxyInstance(
            getClass().getClassLoader(),
            new Class<?>[] {StorageActivities.class},
            (proxy, method, args) -> {
              if (method.getName().equals("flattenImage")) flatten((RbdRef) args[0]);
              try {
                return method.invoke(ceph, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }

  private void flatten(RbdRef ref) throws InterruptedException {
    // librbd returns at once for an image that is no clone (or is gone): only real work counts and
    // takes time
    if (ceph.statImage(ref).parent() == null) return;
    flattenCalls.computeIfAbsent(ref.toString(), k -> new AtomicInteger()).incrementAndGet();
    int now = running.incrementAndGet();
    maxRunning.accumulateAndGet(now, Math::max);
    try {
      long end = System.nanoTime() + FLATTEN_TIME.toNanos();
      while (System.nanoTime() < end || held.contains(ref.toString())) {
        Activity.getExecutionContext().heartbeat(null); // throws once canceled
        Thread.sleep(20);
      }
    } finally {
      running.decrementAndGet();
    }
  }

  int flattenCalls(RbdRef ref) {
    AtomicInteger n = flattenCalls.get(ref.toString());
    return n == null ? 0 : n.get();
  }

  /** {@code images/<id>} with a protected {@code snap}, as an upload leaves it. */
  RbdRef image(String id) {
    RbdRef ref = RbdRef.image(id);
    ceph.createImage(ref, 1 << 20, "upload");
    ceph.createSnapshot(SnapRef.imageSnap(id));
    ceph.protectSnapshot(SnapRef.imageSnap(id));
    return ref;
  }

  /**
   * A chain of {@code depth} clones below {@code images/<id>@snap}, each with a protected snapshot
   * {@code s}; returns the last.
   */
  SnapRef chain(String id, int depth) {
    SnapRef parent = SnapRef.imageSnap(id);
    for (int i = 1; i <= depth; i++) {
      RbdRef c = new RbdRef(RbdRef.VOLUMES, "chain-" + i);
      ceph.cloneImage(parent, c, "test");
      parent = new SnapRef(c, "s");
      ceph.createSnapshot(parent);
      ceph.protectSnapshot(parent);
    }
    return parent;
  }

  boolean hasParent(RbdRef ref) {
    return ceph.statImage(ref).parent() != null;
  }

  Permits.State coordinator() {
    return env.getWorkflowClient()
        .newWorkflowStub(FlattenCoordinatorWorkflow.class, FlattenCoordinatorWorkflow.WORKFLOW_ID)
        .state();
  }

  <T> T stub(Class<T> workflow, String workflowId) {
    return env.getWorkflowClient()
        .newWorkflowStub(
            workflow,
            WorkflowOptions.newBuilder()
                .setTaskQueue(WorkflowTestBed.QUEUE)
                .setWorkflowId(workflowId)
                .build());
  }

  TestWorkflowEnvironment env() {
    return env;
  }

  void recordHistory(String workflowId, String name) {
    WorkflowTestBed.recordHistory(env, workflowId, name);
  }

  List<String> world() {
    return List.copyOf(ceph.world());
  }

  @Override
  public void close() {
    env.close();
    FlattenSettings.install(null);
  }
}
