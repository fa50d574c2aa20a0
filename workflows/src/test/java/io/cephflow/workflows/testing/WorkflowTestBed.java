package io.cephflow.workflows.testing;

import io.cephflow.workflows.common.ResourceTags;
import io.cephflow.workflows.common.TaskQueues;
import io.cephflow.workflows.flatten.FlattenCoordinatorWorkflowImpl;
import io.cephflow.workflows.flatten.FlattenWorkflowImpl;
import io.cephflow.workflows.storage.ResourceActivities;
import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.RetryOptions;
import io.temporal.common.interceptors.WorkerInterceptor;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactoryOptions;
import io.temporal.worker.WorkflowImplementationOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** A TestWorkflowEnvironment with one worker, fast retries and the given mocked activities. */
public final class WorkflowTestBed implements AutoCloseable {
  public static final String QUEUE = "test";

  /** The hypervisor the server flows' tests name; its activities are served on its own queue. */
  public static final String HOST = "hv1";

  /** Fast retries; also what replays use (activity options are part of a workflow's commands). */
  public static final WorkflowImplementationOptions OPTIONS =
      WorkflowImplementationOptions.newBuilder()
          .setDefaultActivityOptions(
              ActivityOptions.newBuilder()
                  // as the worker sets it: a canceled flow waits for the running step before
                  // undoing
                  .setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED)
                  .setStartToCloseTimeout(Duration.ofSeconds(30))
                  .setRetryOptions(
                      RetryOptions.newBuilder()
                          .setInitialInterval(Duration.ofMillis(10))
                          .setMaximumAttempts(3)
                          .build())
                  .build())
          .build();

  private final TestWorkflowEnvironment env = newEnvironment();

  /** The workflows a test started, for {@link #dumpHistories}. */
  private final List<String> started = new java.util.ArrayList<>();

  private final String testClass = testClass();

  /**
   * The resource records every flow keeps, in memory (a test may pass its own ResourceActivities).
   */
  private final InMemoryRecords records = new InMemoryRecords();

  /**
   * A test environment with cephflow's search attribute registered, as the worker does at start-up.
   */
  public static TestWorkflowEnvironment newEnvironment() {
    return newEnvironment(true);
  }

  /**
   * @param timeSkipping false for real time: the flows have no timers, and the time-skipping server
   *     jumps its clock while an activity of a test waits in real time (seen as "Duration of this
   *     magnitude not supported" failing workflow tasks in the cancel model test)
   */
  public static TestWorkflowEnvironment newEnvironment(
      boolean timeSkipping, WorkerInterceptor... interceptors) {
    TestWorkflowEnvironment env =
        TestWorkflowEnvironment.newInstance(
            TestEnvironmentOptions.newBuilder()
                .setUseTimeskipping(timeSkipping)
                .setWorkerFactoryOptions(
                    WorkerFactoryOptions.newBuilder().setWorkerInterceptors(interceptors).build())
                .build());
    env.registerSearchAttribute(
        ResourceTags.NAME, IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST);
    return env;
  }

  /** The resources ({@code kind:id}) a flow was tagged with. */
  public List<String> resourceTags(String workflowId) {
    return resourceTags(env, workflowId);
  }

  public static List<String> resourceTags(TestWorkflowEnvironment env, String workflowId) {
    List<String> tags =
        env.getWorkflowClient()
            .newUntypedWorkflowStub(workflowId)
            .describe()
            .getTypedSearchAttributes()
            .get(ResourceTags.KEY);
    return tags == null ? List.of() : tags;
  }

  public WorkflowTestBed(Class<?> workflowImpl, Object... activities) {
    this(workflowImpl, Map.of(), activities);
  }

  /**
   * @param hostActivities activities served by another task queue (a host's own), each registered
   *     only there: a step sent to the wrong queue finds no mock
   */
  public WorkflowTestBed(
      Class<?> workflowImpl, Map<String, Object> hostActivities, Object... activities) {
    this(workflowImpl, OPTIONS, hostActivities, activities);
  }

  /**
   * @param options as the worker would give (per-activity-type options, say)
   */
  public WorkflowTestBed(
      Class<?> workflowImpl,
      WorkflowImplementationOptions options,
      Map<String, Object> hostActivities,
      Object... activities) {
    this(List.of(workflowImpl), options, hostActivities, activities);
  }

  /** Several workflow implementations on the storage queue (a parent and a fake child, say). */
  public WorkflowTestBed(
      List<Class<?>> workflowImpls,
      WorkflowImplementationOptions options,
      Map<String, Object> hostActivities,
      Object... activities) {
    Worker worker = env.newWorker(QUEUE);
    worker.registerWorkflowImplementationTypes(options, workflowImpls.toArray(new Class<?>[0]));
    registerFlattenManager(worker, options);
    worker.registerActivitiesImplementations(activities);
    if (Arrays.stream(activities).noneMatch(a -> a instanceof ResourceActivities)) {
      worker.registerActivitiesImplementations(records);
    }
    hostActivities.forEach((queue, a) -> env.newWorker(queue).registerActivitiesImplementations(a));
    env.start();
  }

  /**
   * The server flows' bed: {@code workflows} on the storage queue with {@code storageActivities},
   * {@code hypervisor} only on {@link #HOST}'s own queue, so a libvirt step the flow forgot to
   * route there finds no worker (a mock on the storage queue would hide a missing task queue).
   */
  public static WorkflowTestBed withHypervisor(
      List<Class<?>> workflows, Object hypervisor, Object... storageActivities) {
    return new WorkflowTestBed(
        workflows, OPTIONS, Map.of(TaskQueues.host(HOST), hypervisor), storageActivities);
  }

  /**
   * The flatten manager's workflows, which flows start as children (deletes with flattenDependents,
   * background flattens); they call the test's storage activities.
   */
  public static void registerFlattenManager(Worker worker, WorkflowImplementationOptions options) {
    worker.registerWorkflowImplementationTypes(
        options, FlattenWorkflowImpl.class, FlattenCoordinatorWorkflowImpl.class);
  }

  /** The operation name a flow records as owner: its workflow id and (latest) run. */
  public String operation(String workflowId) {
    return operation(env, workflowId);
  }

  public static String operation(TestWorkflowEnvironment env, String workflowId) {
    return workflowId
        + "@"
        + env.getWorkflowClient()
            .newUntypedWorkflowStub(workflowId)
            .describe()
            .getExecution()
            .getRunId();
  }

  public InMemoryRecords records() {
    return records;
  }

  public TestWorkflowEnvironment env() {
    return env;
  }

  public <T> T start(Class<T> workflow, String workflowId) {
    started.add(workflowId);
    return env.getWorkflowClient()
        .newWorkflowStub(
            workflow,
            WorkflowOptions.newBuilder().setTaskQueue(QUEUE).setWorkflowId(workflowId).build());
  }

  /** A non-retryable failure of the given type, as a failure-injection step throws it. */
  public static ApplicationFailure bad(String type) {
    return ApplicationFailure.newNonRetryableFailure("injected " + type, type);
  }

  /** The typed reason of a failed workflow. */
  public static String failureType(Throwable e) {
    Throwable c = e instanceof WorkflowFailedException ? e.getCause() : e;
    if (c instanceof io.temporal.failure.CanceledFailure) return "Canceled";
    return c instanceof ApplicationFailure a ? a.getType() : String.valueOf(c);
  }

  public static String failureMessage(Throwable e) {
    Throwable c = e instanceof WorkflowFailedException ? e.getCause() : e;
    return c instanceof ApplicationFailure a ? a.getOriginalMessage() : String.valueOf(c);
  }

  /** The type of the injected activity failure at the root of the chain. */
  public static String injectedType(Throwable e) {
    String type = null;
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof ApplicationFailure a) type = a.getType();
    }
    return type;
  }

  /**
   * With {@code -Dcephflow.recordHistories=true}, saves the finished workflow's history as {@code
   * src/test/resources/histories/<name>.json}, which {@code ReplayHistoriesTest} replays against
   * the current code: a change that breaks determinism fails there.
   */
  public void recordHistory(String workflowId, String name) {
    recordHistory(env, workflowId, name);
  }

  public static void recordHistory(TestWorkflowEnvironment env, String workflowId, String name) {
    if (!Boolean.getBoolean("cephflow.recordHistories")) return;
    try {
      Path out = Path.of("src/test/resources/histories", name + ".json");
      Files.createDirectories(out.getParent());
      Files.writeString(out, env.getWorkflowClient().fetchHistory(workflowId).toJson(true));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The test class that made this bed (the first caller whose name ends in Test). */
  public static String testClass() {
    return StackWalker.getInstance()
        .walk(
            frames ->
                frames
                    .map(StackWalker.StackFrame::getClassName)
                    .filter(n -> n.endsWith("Test"))
                    .findFirst()
                    .orElse("unknown"));
  }

  private static final java.util.concurrent.ConcurrentHashMap<
          String, java.util.concurrent.atomic.AtomicInteger>
      DUMPED = new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * With {@code -Dcephflow.dumpHistories=DIR}, saves the history of every workflow the test started
   * (and of their children) as {@code DIR/<test class>/<n>-<workflow id>.json}: recorded before and
   * after a refactoring, they show whether the flows still issue the same commands.
   */
  public static void dumpHistories(
      TestWorkflowEnvironment env, String testClass, List<String> workflowIds) {
    String dir = System.getProperty("cephflow.dumpHistories");
    if (dir == null) return;
    java.util.Deque<String> todo = new java.util.ArrayDeque<>(workflowIds);
    java.util.Set<String> seen = new java.util.HashSet<>();
    while (!todo.isEmpty()) {
      String id = todo.pop();
      if (!seen.add(id)) continue;
      try {
        var history = env.getWorkflowClient().fetchHistory(id);
        for (var e : history.getEvents()) {
          if (e.hasStartChildWorkflowExecutionInitiatedEventAttributes()) {
            todo.add(e.getStartChildWorkflowExecutionInitiatedEventAttributes().getWorkflowId());
          }
        }
        int n =
            DUMPED
                .computeIfAbsent(testClass, k -> new java.util.concurrent.atomic.AtomicInteger())
                .incrementAndGet();
        Path out = Path.of(dir, testClass, n + "-" + id + ".json");
        Files.createDirectories(out.getParent());
        Files.writeString(out, history.toJson(true));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (RuntimeException e) {
        // a workflow that never started (refused at the door): nothing to save
      }
    }
  }

  @Override
  public void close() {
    dumpHistories(env, testClass, started);
    env.close();
  }
}
