package io.cephflow.drain;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.testserver.TestServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * SIGTERM to a worker process in the middle of a slow activity (a sleeping, heartbeating test
 * activity: a real long import needs Ceph). The process is {@link DrainTestApp}, a Spring
 * application with cephflow's {@code WorkerDrain}, against Temporal's test server in this JVM.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WorkerDrainIT {
  private TestServer.PortBoundTestServer server;
  private WorkflowServiceStubs stubs;
  private WorkflowClient client;
  private String target;

  @BeforeAll
  void server() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    server = TestServer.createPortBoundServer(port, true);
    target = "127.0.0.1:" + port;
    stubs =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget(target).build());
    client = WorkflowClient.newInstance(stubs);
  }

  @AfterAll
  void stop() throws Exception {
    stubs.shutdownNow();
    server.close();
  }

  @Test
  void sigtermWaitsForTheRunningActivityWhichKeepsHeartbeatingAndReportsItsResult()
      throws Exception {
    Worker w = Worker.start(target, Duration.ofSeconds(30));
    try {
      // 9 s of work, SIGTERM after 1: the drain outlasts the 5 s heartbeat timeout, so the
      // completion is only accepted if the heartbeats kept reaching Temporal meanwhile
      String id = startFlow(9);
      w.awaitLine("activity: started", Duration.ofSeconds(30));
      Thread.sleep(1000);
      long signalled = System.nanoTime();
      w.process.destroy(); // SIGTERM
      assertThat(w.process.waitFor(40, TimeUnit.SECONDS)).as("exited").isTrue();
      long tookMs = (System.nanoTime() - signalled) / 1_000_000;
      // it waited for the activity (about 8 s were left), not the whole grace
      assertThat(tookMs).isBetween(6_500L, 25_000L);
      assertThat(w.output())
          .contains("draining: workers stop polling", "activity: finished after", "drain: done");
      List<EventType> events = events(id);
      assertThat(events)
          .contains(EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED)
          .doesNotContain(
              EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED,
              EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT);
    } finally {
      w.kill();
    }
  }

  @Test
  void anActivityLongerThanTheGraceIsInterruptedAndTheProcessStillExits() throws Exception {
    Worker w = Worker.start(target, Duration.ofSeconds(2));
    try {
      String id = startFlow(120);
      w.awaitLine("activity: started", Duration.ofSeconds(30));
      long signalled = System.nanoTime();
      w.process.destroy();
      assertThat(w.process.waitFor(30, TimeUnit.SECONDS)).as("exited").isTrue();
      assertThat((System.nanoTime() - signalled) / 1_000_000).isBetween(1_500L, 15_000L);
      // stopped at its next heartbeat (the SDK refuses heartbeats once shut down) or by the
      // interrupt
      assertThat(w.output()).contains("drain: cut short").doesNotContain("activity: finished");
      assertThat(events(id)).doesNotContain(EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED);
    } finally {
      w.kill();
    }
  }

  private String startFlow(int seconds) {
    String id = "drain-" + UUID.randomUUID();
    WorkflowClient.start(
        client.newWorkflowStub(
                DrainTestApp.SlowFlow.class,
                WorkflowOptions.newBuilder()
                    .setTaskQueue(DrainTestApp.QUEUE)
                    .setWorkflowId(id)
                    .build())
            ::run,
        seconds);
    return id;
  }

  private List<EventType> events(String workflowId) {
    List<EventType> out = new ArrayList<>();
    for (HistoryEvent e : client.fetchHistory(workflowId).getEvents()) out.add(e.getEventType());
    return out;
  }

  /** The worker process, its output in a file. */
  private record Worker(Process process, Path log) {
    static Worker start(String target, Duration grace) throws IOException {
      Path log = Files.createTempFile("drain-worker-", ".log");
      log.toFile().deleteOnExit();
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Process p =
          new ProcessBuilder(
                  java,
                  "-cp",
                  System.getProperty("java.class.path"),
                  DrainTestApp.class.getName(),
                  "--target=" + target,
                  "--grace=" + grace,
                  "--logging.level.io.cephflow=INFO")
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      return new Worker(p, log);
    }

    String output() throws IOException {
      return Files.readString(log);
    }

    void awaitLine(String line, Duration timeout) throws Exception {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!output().contains(line)) {
        if (!process.isAlive()) throw new AssertionError("worker exited: " + output());
        if (System.nanoTime() > deadline)
          throw new AssertionError("no '" + line + "' within " + timeout + ": " + output());
        Thread.sleep(100);
      }
    }

    void kill() throws InterruptedException {
      if (process.isAlive()) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }
}
