package io.cephflow.activities;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.temporal.activity.Activity;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.enums.v1.TimeoutType;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.TimeoutFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A long call without progress (e.g. waiting for a dead client's exclusive lock) keeps its activity
 * alive.
 */
class LiveHeartbeatTest {
  @ActivityInterface
  public interface Quiet {
    /** Works 3 s without reporting progress, with or without {@link LiveHeartbeat}. */
    long[] work(boolean live);
  }

  public static class QuietImpl implements Quiet {
    @Override
    public long[] work(boolean live) {
      var ctx = Activity.getExecutionContext();
      ctx.heartbeat(new long[] {7, -1}); // as a first progress callback would
      if (!live) {
        sleep(3000);
        return new long[0];
      }
      try (LiveHeartbeat progress = LiveHeartbeat.start(ctx, 7)) {
        sleep(3000);
        progress.update(9, 10);
        progress.throwIfEnded();
      }
      return new long[] {9, 10};
    }

    private static void sleep(long ms) {
      try {
        Thread.sleep(ms);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @WorkflowInterface
  public interface Caller {
    @WorkflowMethod
    long[] call(boolean live);
  }

  public static class CallerImpl implements Caller {
    private final Quiet quiet =
        Workflow.newActivityStub(
            Quiet.class,
            ActivityOptions.newBuilder()
                .setStartToCloseTimeout(Duration.ofSeconds(30))
                .setHeartbeatTimeout(Duration.ofSeconds(1))
                .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
                .build());

    @Override
    public long[] call(boolean live) {
      return quiet.work(live);
    }
  }

  TestWorkflowEnvironment env;

  @BeforeEach
  void start() {
    env = TestWorkflowEnvironment.newInstance();
    Worker worker = env.newWorker("q");
    worker.registerWorkflowImplementationTypes(CallerImpl.class);
    worker.registerActivitiesImplementations(new QuietImpl());
    env.start();
  }

  @AfterEach
  void stop() {
    env.close();
  }

  private Caller caller() {
    return env.getWorkflowClient()
        .newWorkflowStub(Caller.class, WorkflowOptions.newBuilder().setTaskQueue("q").build());
  }

  @Test
  void aQuietCallOutlivesTheHeartbeatTimeout() {
    assertThat(caller().call(true)).containsExactly(9, 10);
  }

  /**
   * Updates come fast from one thread while the timer repeats the latest from another: the details
   * handed to the SDK, in the order it got them (it sends the last), never go backwards.
   */
  @Test
  void theTimersRepeatNeverHandsTheSdkAnOlderFigureThanAnUpdateDid() throws Exception {
    long[] handed = {0, 0, 0}; // calls, last done handed, calls handing less than an earlier one
    var info =
        proxy(
            io.temporal.activity.ActivityInfo.class,
            (m, args) ->
                m.getName().equals("getHeartbeatTimeout")
                    ? Duration.ofMillis(600)
                    : null); // a tick every 200 ms
    var ctx =
        proxy(
            io.temporal.activity.ActivityExecutionContext.class,
            (m, args) -> {
              if (m.getName().equals("getInfo")) return info;
              if (m.getName().equals("heartbeat")) {
                synchronized (handed) {
                  long done = ((long[]) args[0])[0];
                  handed[0]++;
                  if (done < handed[1]) handed[2]++;
                  handed[1] = Math.max(handed[1], done);
                }
              }
              return null;
            });
    long end = System.nanoTime() + Duration.ofMillis(1500).toNanos();
    try (LiveHeartbeat progress = LiveHeartbeat.start(ctx, 0)) {
      for (long done = 1; System.nanoTime() < end; done++) progress.update(done, Long.MAX_VALUE);
    }
    synchronized (handed) {
      assertThat(handed[2]).as("heartbeats older than one handed before, of " + handed[0]).isZero();
    }
  }

  /** An interface whose calls {@code answer} answers (a context without a worker around it). */
  private static <T> T proxy(
      Class<T> type,
      java.util.function.BiFunction<java.lang.reflect.Method, Object[], Object> answer) {
    return type.cast(
        java.lang.reflect.Proxy.newProxyInstance(
            type.getClassLoader(), new Class<?>[] {type}, (p, m, args) -> answer.apply(m, args)));
  }

  @Test
  void withoutItTheSameCallTimesOut() {
    Throwable t = catchThrowable(() -> caller().call(false));
    assertThat(t).isInstanceOf(WorkflowFailedException.class);
    assertThat(t.getCause()).isInstanceOf(ActivityFailure.class);
    assertThat(t.getCause().getCause())
        .isInstanceOfSatisfying(
            TimeoutFailure.class,
            f -> assertThat(f.getTimeoutType()).isEqualTo(TimeoutType.TIMEOUT_TYPE_HEARTBEAT));
  }
}
