package io.cephflow.workflows.testing;

import io.cephflow.workflows.common.ResourceTags;
import io.cephflow.workflows.flatten.FlattenCoordinatorWorkflowImpl;
import io.cephflow.workflows.flatten.FlattenWorkflowImpl;
import io.cephflow.workflows.storage.ResourceActivities;
import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkflowImplementationOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import io.temporal.common.interceptors.WorkerInterceptor;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.worker.WorkerFactoryOptions;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** A TestWorkflowEnvironment with one worker, fast retries and the given mocked activities. */
public final class WorkflowTestBed implements AutoCloseable {
  public static final String QUEUE = "test";
  /** Fast retries; also what replays use (activity options are part of a workflow's commands). */
  public static final WorkflowImplementationOptions OPTIONS = WorkflowImplementationOptions.newBuilder()
      .setDefaultActivityOptions(ActivityOptions.newBuilder()
          // as the worker sets it: a canceled flow waits for the running step before undoing
          .setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED)
          .setStartToCloseTimeout(Duration.ofSeconds(30))
          .setRetryOptions(RetryOptions.newBuilder().setInitialInterval(Duration.ofMillis(10))
              .setMaximumAttempts(3).build())
          .build())
      .build();
  private final TestWorkflowEnvironment env = newEnvironment();
  /** The resource records every flow keeps, in memory (a test may pass its own ResourceActivities). */
  private final InMemoryRecords records = new InMemoryRecords();

  /** A test environment with cephflow's search attribute registered, as the worker does at start-up. */
  public static TestWorkflowEnvironment newEnvironment() {
    return newEnvironment(true);
  }

  /**
   * @param timeSkipping false for real time: the flows have no timers, and the time-skipping
   *     server jumps its clock while an activity of a test waits in real time (seen as "Duration
   *     of this magnitude not supported" failing workflow tasks in the cancel model test)
   */
  public static TestWorkflowEnvironment newEnvironment(boolean timeSkipping, WorkerInterceptor... interceptors) {
    TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance(TestEnvironmentOptions.newBuilder()
        .setUseTimeskipping(timeSkipping)
        .setWorkerFactoryOptions(WorkerFactoryOptions.newBuilder().setWorkerInterceptors(interceptors).build())
        .build());
    env.registerSearchAttribute(ResourceTags.NAME, IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST);
    return env;
  }

  /** The resources ({@code kind:id}) a flow was tagged with. */
  public List<String> resourceTags(String workflowId) {
    return resourceTags(env, workflowId);
  }

  public static List<String> resourceTags(TestWorkflowEnvironment env, String workflowId) {
    List<String> tags = env.getWorkflowClient().newUntypedWorkflowStub(workflowId).describe()
        .getTypedSearchAttributes().get(ResourceTags.KEY);
    return tags == null ? List.of() : tags;
  }

  public WorkflowTestBed(Class<?> workflowImpl, Object... activities) {
    this(workflowImpl, Map.of(), activities);
  }

  /**
   * @param hostActivities activities served by another task queue (a host's own), each
   *                       registered only there: a step sent to the wrong queue finds no mock
   */
  public WorkflowTestBed(Class<?> workflowImpl, Map<String, Object> hostActivities, Object... activities) {
    this(workflowImpl, OPTIONS, hostActivities, activities);
  }

  /** @param options as the worker would give (per-activity-type options, say) */
  public WorkflowTestBed(Class<?> workflowImpl, WorkflowImplementationOptions options,
                         Map<String, Object> hostActivities, Object... activities) {
    Worker worker = env.newWorker(QUEUE);
    worker.registerWorkflowImplementationTypes(options, workflowImpl);
    registerFlattenManager(worker, options);
    worker.registerActivitiesImplementations(activities);
    if (Arrays.stream(activities).noneMatch(a -> a instanceof ResourceActivities)) {
      worker.registerActivitiesImplementations(records);
    }
    hostActivities.forEach((queue, a) -> env.newWorker(queue).registerActivitiesImplementations(a));
    env.start();
  }

  /**
   * The flatten manager's workflows, which flows start as children (deletes with
   * flattenDependents, background flattens); they call the test's storage activities.
   */
  public static void registerFlattenManager(Worker worker, WorkflowImplementationOptions options) {
    worker.registerWorkflowImplementationTypes(options, FlattenWorkflowImpl.class, FlattenCoordinatorWorkflowImpl.class);
  }

  /** The operation name a flow records as owner: its workflow id and (latest) run. */
  public String operation(String workflowId) {
    return operation(env, workflowId);
  }

  public static String operation(TestWorkflowEnvironment env, String workflowId) {
    return workflowId + "@" + env.getWorkflowClient().newUntypedWorkflowStub(workflowId).describe().getExecution().getRunId();
  }

  public InMemoryRecords records() {
    return records;
  }

  public TestWorkflowEnvironment env() {
    return env;
  }

  public <T> T start(Class<T> workflow, String workflowId) {
    return env.getWorkflowClient().newWorkflowStub(workflow,
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
   * With {@code -Dcephflow.recordHistories=true}, saves the finished workflow's history as
   * {@code src/test/resources/histories/<name>.json}, which {@code ReplayHistoriesTest}
   * replays against the current code: a change that breaks determinism fails there.
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

  @Override
  public void close() {
    env.close();
  }
}
