package io.cephflow.worker;

import io.temporal.common.interceptors.ActivityInboundCallsInterceptor;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkerInterceptorBase;
import java.time.Duration;

/**
 * Counts the activities this worker process is running, for the drain on shutdown ({@link
 * WorkerDrain}).
 */
public final class RunningActivities extends WorkerInterceptorBase {
  private int running;

  @Override
  public ActivityInboundCallsInterceptor interceptActivity(ActivityInboundCallsInterceptor next) {
    return new ActivityInboundCallsInterceptorBase(next) {
      @Override
      public ActivityOutput execute(ActivityInput input) {
        change(+1);
        try {
          return super.execute(input);
        } finally {
          change(-1);
        }
      }
    };
  }

  public synchronized int count() {
    return running;
  }

  private synchronized void change(int by) {
    running += by;
    notifyAll();
  }

  /** Waits until none runs, at most {@code timeout}; true when none does. */
  synchronized boolean awaitNone(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (running > 0) {
      long left = deadline - System.nanoTime();
      if (left <= 0) return false;
      wait(Math.max(1, left / 1_000_000));
    }
    return true;
  }
}
