package io.cephflow.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.cephflow.fixture.TestBackends;
import io.cephflow.starter.client.CephflowClient;
import io.cephflow.starter.client.OperationStatus;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.ListOpenWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.TerminateWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Runs the worker as its own process (from the tests' classpath) with fault rules that make it
 * SIGKILL itself at chosen points of a flow (see {@code KillSwitch}), replaces it, and lists what
 * the flows leave behind. Needs a real Temporal server: CEPHFLOW_E2E_TEMPORAL (dev/test runs
 * `temporal server start-dev`), and the dev Ceph cluster and libvirtd.
 */
final class CrashHarness implements AutoCloseable {
  /** Long activities heartbeat; a dead worker's attempt is retried once a heartbeat is missed. */
  private static final List<String> LONG =
      List.of("WriteFromSource", "StageSource", "WriteStaged", "ConvertImageInto", "FlattenImage");

  /** Hypervisor steps carry their own options (routing); their start-to-close is set by type. */
  private static final List<String> HOST =
      List.of(
          "EnsureSecret",
          "DefineDomain",
          "StartDomain",
          "WaitRunning",
          "SuspendDomain",
          "ResumeDomain",
          "SnapshotWhilePaused",
          "ShutdownDomain",
          "DestroyDomain",
          "UndefineDomain",
          "DomainState");

  private final Path sources;
  private final Path work;
  private final String target;
  private final String namespace;
  private final String libvirtUri;
  private final WorkflowServiceStubs stubs;
  private final CephflowClient client;
  private final List<Process> workers = new ArrayList<>();
  private int started;

  CrashHarness(Path sources, Path work) throws Exception {
    this(
        sources,
        work,
        TestBackends.get()
            .temporal()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "set CEPHFLOW_E2E_TEMPORAL to a real Temporal server (dev/test does), or run with -Pcontainers")));
  }

  private CrashHarness(Path sources, Path work, io.cephflow.fixture.TemporalEndpoint temporal)
      throws Exception {
    this(sources, work, temporal.target(), temporal.namespace());
  }

  /** Against the Temporal server at {@code target} (one a test starts and stops itself). */
  CrashHarness(Path sources, Path work, String target, String namespace) throws Exception {
    this.sources = sources;
    this.work = fresh(work);
    this.libvirtUri = ServerIts.requireDevServices();
    this.target = target;
    this.namespace = namespace;
    stubs =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget(target).build());
    client =
        new CephflowClient(
            WorkflowClient.newInstance(
                stubs, WorkflowClientOptions.newBuilder().setNamespace(namespace).build()));
    terminateOpenFlows("left running by an earlier crash test");
  }

  /**
   * The test namespace is the crash test's alone: a flow an interrupted earlier run left open would
   * otherwise be picked up by this run's armed workers.
   */
  private void terminateOpenFlows(String reason) {
    var open =
        stubs
            .blockingStub()
            .listOpenWorkflowExecutions(
                ListOpenWorkflowExecutionsRequest.newBuilder()
                    .setNamespace(namespace)
                    .setMaximumPageSize(1000)
                    .build());
    for (var e : open.getExecutionsList()) {
      try {
        stubs
            .blockingStub()
            .terminateWorkflowExecution(
                TerminateWorkflowExecutionRequest.newBuilder()
                    .setNamespace(namespace)
                    .setWorkflowExecution(e.getExecution())
                    .setReason(reason)
                    .build());
      } catch (RuntimeException ex) {
        // closed meanwhile
      }
    }
  }

  /** An earlier run's state (scratch files, logs) must not count in this one. */
  private static Path fresh(Path dir) throws Exception {
    if (Files.exists(dir)) {
      try (var walk = Files.walk(dir)) {
        walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    return Files.createDirectories(dir);
  }

  CephflowClient client() {
    return client;
  }

  String libvirtUri() {
    return libvirtUri;
  }

  /** The Temporal server the workers poll, and their namespace (for an API beside them). */
  String target() {
    return target;
  }

  String namespace() {
    return namespace;
  }

  /** The default worker's console logs (the audit lists them). */
  Path consoleDir() {
    return ServerIts.consoleDir(work);
  }

  /** The default worker's scratch area (the audit lists it). */
  Path scratchDir() {
    return stateDir(null).resolve("scratch");
  }

  /** Runs {@code call} while a clean worker (armed with nothing) polls; stops it after. */
  <T> T withCleanWorker(java.util.concurrent.Callable<T> call) throws Exception {
    stopAll();
    Process clean = startWorker(null);
    try {
      return call.call();
    } finally {
      stop(clean);
    }
  }

  /**
   * Starts the flow under a worker armed with {@code kills[0]}, waits for that worker to kill
   * itself there, replaces it with one armed with the next rule, and so on; then a clean worker
   * finishes the flow, which must complete. Fails if a rule is never reached.
   */
  OperationStatus crashThrough(Supplier<String> startFlow, String... kills) throws Exception {
    stopAll(); // one worker at a time, whatever an earlier failure left running
    String op = null;
    for (String kill : kills) {
      Process w = startWorker(kill);
      if (op == null) op = startFlow.get();
      awaitSuicide(w, op, kill);
      assertThat(describe(op))
          .as("%s after the kill at %s", op, kill)
          .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
    }
    Process clean = startWorker(null);
    if (op == null) op = startFlow.get();
    OperationStatus done = client.await(op, 5, TimeUnit.MINUTES);
    stop(clean);
    assertThat(done.status())
        .as("%s after kills at %s: %s", op, Arrays.toString(kills), done)
        .isEqualTo("COMPLETED");
    return done;
  }

  void awaitSuicide(Process w, String op, String kill) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
    while (!w.waitFor(500, TimeUnit.MILLISECONDS)) {
      WorkflowExecutionStatus s = describe(op);
      assertThat(s)
          .as("%s ended before the worker reached %s; log %s", op, kill, log(w))
          .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
      assertThat(System.nanoTime())
          .as("the worker never reached %s; log %s", kill, log(w))
          .isLessThan(deadline);
    }
    assertThat(w.exitValue())
        .as("exit status of the worker armed with %s (137 = SIGKILL)", kill)
        .isEqualTo(137);
    assertThat(Files.readString(log(w))).contains("fault injection: SIGKILL");
  }

  private WorkflowExecutionStatus describe(String op) {
    return stubs
        .blockingStub()
        .describeWorkflowExecution(
            DescribeWorkflowExecutionRequest.newBuilder()
                .setNamespace(namespace)
                .setExecution(WorkflowExecution.newBuilder().setWorkflowId(op))
                .build())
        .getWorkflowExecutionInfo()
        .getStatus();
  }

  /** A worker process (storage and host-queue workers), armed with {@code kill} unless null. */
  private Process startWorker(String kill) throws Exception {
    return startWorker(kill, null);
  }

  /**
   * @param host null: the default host, with libvirt; else a storage-only worker of that host name
   *     with its own state (and so scratch) directory, {@link #stateDir}
   */
  Process startWorker(String kill, String host) throws Exception {
    return startWorker(kill, host, List.of());
  }

  /**
   * As {@link #startWorker(String, String)}, with {@code --name=value} arguments replacing or
   * adding settings.
   */
  Process startWorker(String kill, String host, List<String> extra) throws Exception {
    // the tests' classpath, not the exec jar: the kill switch is test code, never in the
    // production jar (FaultsAutoConfiguration); the same classes and dependencies otherwise
    List<String> cmd =
        new ArrayList<>(
            List.of(
                System.getProperty("java.home") + "/bin/java",
                "-Xmx384m",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                io.cephflow.worker.WorkerApplication.class.getName(),
                "--server.port=0",
                // the tests' logback-test.xml is on this classpath: keep the line httpPort reads
                "--logging.level.org.springframework.boot.web.embedded.tomcat=INFO",
                CephflowStack.NO_API_SECURITY,
                "--cephflow.temporal.target=" + target,
                "--cephflow.temporal.namespace=" + namespace,
                "--cephflow.sources.local-roots=" + sources,
                "--cephflow.sources.allow-loopback=true",
                "--cephflow.intake.state-dir=" + stateDir(host),
                // a killed short activity is retried once its start-to-close passes
                "--cephflow.activities.defaults.start-to-close=15s",
                "--cephflow.activities.defaults.initial-interval=500ms"));
    if (host == null) {
      cmd.addAll(ServerIts.hypervisorArgs(work, libvirtUri));
    } else {
      cmd.addAll(List.of("--cephflow.libvirt.enabled=false", "--cephflow.libvirt.host=" + host));
    }
    for (String type : LONG) {
      cmd.add("--cephflow.activities.types." + type + ".heartbeat=4s");
      cmd.add("--cephflow.activities.types." + type + ".initial-interval=500ms");
    }
    for (String type : HOST) cmd.add("--cephflow.activities.types." + type + ".start-to-close=15s");
    cmd.addAll(TestBackends.get().ceph().appArgs());
    if (kill != null) cmd.add("--cephflow.faults.kill=" + kill);
    for (String arg : extra) { // Spring joins a repeated --name=value into a list: replace instead
      cmd.removeIf(a -> a.startsWith(arg.substring(0, arg.indexOf('=') + 1)));
      cmd.add(arg);
    }
    Path log = work.resolve("worker-" + (++started) + ".log");
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(new File(log.toString()))
            .start();
    workers.add(p);
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (!Files.readString(log).contains("workers polling")) {
      if (!p.isAlive() && kill != null && Files.readString(log).contains("fault injection"))
        break; // died at once
      assertThat(p.isAlive()).as("worker exited: " + Files.readString(log)).isTrue();
      assertThat(System.nanoTime())
          .as("worker did not start: " + Files.readString(log))
          .isLessThan(deadline);
      Thread.sleep(100);
    }
    return p;
  }

  /** The worker's state directory; its scratch area is {@code scratch} in there. */
  Path stateDir(String host) {
    return work.resolve(host == null ? "state" : "state-" + host);
  }

  /** The HTTP port (health, metrics) of a started worker, from its log. */
  int httpPort(Process p) throws Exception {
    var m =
        java.util.regex.Pattern.compile("Tomcat started on port (\\d+)")
            .matcher(Files.readString(log(p)));
    assertThat(m.find()).as("the worker's log names its port").isTrue();
    return Integer.parseInt(m.group(1));
  }

  /** Kills a worker for good (SIGKILL), as a host that dies does. */
  void kill(Process p) throws InterruptedException {
    p.destroyForcibly().waitFor();
  }

  Path log(Process p) {
    return work.resolve("worker-" + (workers.indexOf(p) + 1) + ".log");
  }

  /** Stops every worker this harness started that still runs. */
  void stopAll() throws InterruptedException {
    for (Process p : workers) stop(p);
  }

  private static void stop(Process p) throws InterruptedException {
    p.destroy();
    if (!p.waitFor(30, TimeUnit.SECONDS)) p.destroyForcibly().waitFor();
  }

  TreeSet<String> world() {
    return ServerIts.world(libvirtUri);
  }

  @Override
  public void close() {
    workers.forEach(Process::destroyForcibly);
    terminateOpenFlows("the crash test ended");
    stubs.shutdown();
  }
}
