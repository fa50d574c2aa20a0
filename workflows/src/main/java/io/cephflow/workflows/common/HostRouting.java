package io.cephflow.workflows.common;

import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;

/**
 * Activities that must run on one host: libvirt calls on a hypervisor, and every step on a file
 * staged in one worker's scratch area. Each worker polls its host's own task queue ({@link
 * TaskQueues#host}), as in Temporal's file-processing sample.
 */
public final class HostRouting {
  /**
   * What routing adds to a step: its host's queue (set by {@link #on}), and a schedule-to-start
   * timeout that turns a host whose worker is not polling (unknown name, host down) into a failure
   * that compensates instead of a hang ({@code HostUnavailable}; the worker sets it per type from
   * {@code cephflow.activities.host-schedule-to-start}, 2 min here is the fallback). A canceled
   * flow compensates only once a running step has stopped. Timeouts and retries are the worker's,
   * per activity type ({@code cephflow.activities}): the worker gives every type its options and
   * the SDK applies them on top of these. The start-to-close and retries here are only what a
   * worker that sets no options at all (a unit test's) runs with.
   */
  public static final ActivityOptions STEP =
      ActivityOptions.newBuilder()
          .setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED)
          .setScheduleToStartTimeout(Duration.ofMinutes(2))
          .setStartToCloseTimeout(Duration.ofMinutes(5))
          .setRetryOptions(
              RetryOptions.newBuilder()
                  .setInitialInterval(Duration.ofSeconds(1))
                  .setMaximumInterval(Duration.ofSeconds(30))
                  .setMaximumAttempts(10)
                  .setDoNotRetry(Failures.NON_RETRYABLE)
                  .build())
          .build();

  private HostRouting() {}

  /** {@code activities} run by the worker polling {@code taskQueue}, and by no other. */
  public static <T> T on(Class<T> activities, String taskQueue) {
    return Workflow.newActivityStub(activities, STEP.toBuilder().setTaskQueue(taskQueue).build());
  }
}
