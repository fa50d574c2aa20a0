package io.cephflow.worker;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs a health check on a thread of its own and gives up waiting after {@code timeout}: a Ceph or
 * libvirt call to a hung daemon blocks in native code until the library's own timeout (the OSD op
 * timeout is a minute), and a readiness probe must answer before the kubelet's. A check still
 * running from an earlier probe is not started again (no pile of stuck threads).
 */
final class BoundedCheck implements AutoCloseable {
  private final String name;
  private final Duration timeout;
  private final ExecutorService thread;
  private Future<?> running;

  BoundedCheck(String name, Duration timeout) {
    this.name = name;
    this.timeout = timeout;
    this.thread =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, name + "-health");
              t.setDaemon(true);
              return t;
            });
  }

  synchronized void run(Runnable check) throws Exception {
    if (running != null && !running.isDone()) {
      throw new TimeoutException(name + ": the previous check has not answered yet");
    }
    running = thread.submit(check);
    try {
      running.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    } catch (TimeoutException e) {
      throw new TimeoutException(name + ": no answer within " + timeout);
    }
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
