package io.cephflow.worker.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.temporal.activity.Activity;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.RetryOptions;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactoryOptions;
import io.temporal.worker.WorkerOptions;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * N+2 conversions at once on a worker limited to N: never more than N inside the activity, the two
 * others queue (heartbeating past their heartbeat timeout) and then run; each attempt is the only
 * one (no retries allowed), so a queued activity that timed out would fail the flow.
 */
class ActivityLimitsTest {
  static final int LIMIT = 2;
  static final int FLOWS = LIMIT + 2;
  static final String QUEUE = "limits-test";
  static final AtomicInteger inside = new AtomicInteger();
  static final AtomicInteger peak = new AtomicInteger();
  static final AtomicInteger runs = new AtomicInteger();
  static volatile CountDownLatch hold = new CountDownLatch(1);

  private TestWorkflowEnvironment env;

  @ActivityInterface
  public interface Conversions {
    void convertImageInto(int n);

    void probeSource(int n);
  }

  @WorkflowInterface
  public interface Fanout {
    @WorkflowMethod
    int run(int conversions);
  }

  public static class FanoutImpl implements Fanout {
    private final Conversions acts =
        Workflow.newActivityStub(
            Conversions.class,
            ActivityOptions.newBuilder()
                .setStartToCloseTimeout(Duration.ofMinutes(2))
                .setHeartbeatTimeout(Duration.ofSeconds(3))
                .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
                .build());

    @Override
    public int run(int conversions) {
      List<Promise<Void>> all = new ArrayList<>();
      for (int i = 0; i < conversions; i++) all.add(Async.procedure(acts::convertImageInto, i));
      Promise.allOf(all).get();
      acts.probeSource(0);
      return all.size();
    }
  }

  public static class ConversionsImpl implements Conversions {
    @Override
    public void convertImageInto(int n) {
      int now = inside.incrementAndGet();
      peak.accumulateAndGet(now, Math::max);
      runs.incrementAndGet();
      try {
        while (!hold.await(200, java.util.concurrent.TimeUnit.MILLISECONDS)) {
          try {
            Activity.getExecutionContext().heartbeat(null);
          } catch (io.temporal.client.ActivityCompletionException canceled) {
            // the holder keeps its slot until the test lets it go
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      } finally {
        inside.decrementAndGet();
      }
    }

    @Override
    public void probeSource(int n) {}
  }

  @org.junit.jupiter.api.BeforeEach
  void reset() {
    inside.set(0);
    peak.set(0);
    runs.set(0);
    hold = new CountDownLatch(1);
  }

  @AfterEach
  void close() {
    hold.countDown();
    if (env != null) env.close();
  }

  private Fanout start(ActivitySlots slots, String id, int conversions) {
    env =
        TestWorkflowEnvironment.newInstance(
            TestEnvironmentOptions.newBuilder()
                .setWorkerFactoryOptions(
                    WorkerFactoryOptions.newBuilder()
                        .setWorkerInterceptors(new ActivityLimits(List.of(slots)))
                        .build())
                .build());
    Worker worker =
        env.newWorker(
            QUEUE, WorkerOptions.newBuilder().setMaxConcurrentActivityExecutionSize(16).build());
    worker.registerWorkflowImplementationTypes(FanoutImpl.class);
    worker.registerActivitiesImplementations(new ConversionsImpl());
    env.start();
    Fanout flow =
        env.getWorkflowClient()
            .newWorkflowStub(
                Fanout.class,
                WorkflowOptions.newBuilder().setTaskQueue(QUEUE).setWorkflowId(id).build());
    io.temporal.client.WorkflowClient.start(flow::run, conversions);
    return flow;
  }

  /** Polls until {@code condition} holds (however slowly the machine runs), at most a minute. */
  private static void await(java.util.function.BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    while (!condition.getAsBoolean() && System.nanoTime() < deadline) Thread.sleep(50);
  }

  @Test
  void aCancelEndsTheWaitWithoutTakingASlot() throws Exception {
    ActivitySlots conversions = new ActivitySlots("conversions", 1, Set.of("ConvertImageInto"));
    Fanout flow = start(conversions, "limits-cancel", 2);
    await(() -> inside.get() == 1 && conversions.waiting() == 1);
    assertThat(conversions.waiting()).isEqualTo(1);

    io.temporal.client.WorkflowStub.fromTyped(flow).cancel();
    await(() -> conversions.waiting() == 0);
    assertThat(conversions.waiting()).isZero();
    assertThat(conversions.inUse()).isEqualTo(1); // the holder's, still running
    hold.countDown();
    await(() -> conversions.inUse() == 0);
    assertThat(conversions.inUse()).isZero();
    assertThat(runs.get()).isEqualTo(1); // the queued one never ran
  }

  @Test
  void queuesWhatIsOverTheLimitAndRunsItLater() throws Exception {
    ActivitySlots conversions = new ActivitySlots("conversions", LIMIT, Set.of("ConvertImageInto"));
    ActivityLimits limits = new ActivityLimits(List.of(conversions));
    env =
        TestWorkflowEnvironment.newInstance(
            TestEnvironmentOptions.newBuilder()
                .setWorkerFactoryOptions(
                    WorkerFactoryOptions.newBuilder().setWorkerInterceptors(limits).build())
                .build());
    Worker worker =
        env.newWorker(
            QUEUE, WorkerOptions.newBuilder().setMaxConcurrentActivityExecutionSize(16).build());
    worker.registerWorkflowImplementationTypes(FanoutImpl.class);
    worker.registerActivitiesImplementations(new ConversionsImpl());
    env.start();
    Fanout flow =
        env.getWorkflowClient()
            .newWorkflowStub(
                Fanout.class,
                WorkflowOptions.newBuilder()
                    .setTaskQueue(QUEUE)
                    .setWorkflowId("limits-fanout")
                    .build());
    var result = io.temporal.client.WorkflowClient.execute(flow::run, FLOWS);

    // LIMIT inside, the rest queued: reached however slowly the machine runs
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    while (!(inside.get() == LIMIT && conversions.waiting() == FLOWS - LIMIT)
        && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(inside.get()).isEqualTo(LIMIT);
    assertThat(conversions.waiting()).isEqualTo(FLOWS - LIMIT);
    assertThat(conversions.inUse()).isEqualTo(LIMIT);
    // longer than the 3 s heartbeat timeout: the queued two live only by the wait's heartbeats
    Thread.sleep(7_000);
    assertThat(inside.get()).isEqualTo(LIMIT);
    hold.countDown();

    assertThat(result.get()).isEqualTo(FLOWS);
    assertThat(runs.get()).isEqualTo(FLOWS);
    assertThat(peak.get()).isEqualTo(LIMIT);
    assertThat(conversions.inUse()).isZero();
    assertThat(conversions.waiting()).isZero();
  }

  @Test
  void refusesATypeInTwoClassesAndNoSlots() {
    assertThatThrownBy(
            () ->
                new ActivityLimits(
                    List.of(
                        new ActivitySlots("a", 1, Set.of("FlattenImage")),
                        new ActivitySlots("b", 1, Set.of("FlattenImage")))))
        .hasMessageContaining("FlattenImage is in both");
    // a misspelt type would lift the bound of the real one without a word: refused at start
    assertThatThrownBy(
            () -> new ActivityLimits(List.of(new ActivitySlots("a", 1, Set.of("FlatenImage")))))
        .hasMessageContaining("FlatenImage")
        .hasMessageContaining("FlattenImage");
    assertThatThrownBy(() -> new ActivitySlots("a", 0, Set.of("X")))
        .hasMessageContaining("permits must be >= 1");
  }

  @Test
  void beatsAThirdOfTheHeartbeatTimeoutWithinBounds() {
    assertThat(ActivityLimits.beatMillis(Duration.ofSeconds(3))).isEqualTo(1000);
    assertThat(ActivityLimits.beatMillis(Duration.ofMinutes(5))).isEqualTo(5000);
    assertThat(ActivityLimits.beatMillis(Duration.ofMillis(100))).isEqualTo(200);
    assertThat(ActivityLimits.beatMillis(null)).isEqualTo(5000);
  }
}
