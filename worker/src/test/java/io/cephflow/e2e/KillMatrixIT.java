package io.cephflow.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cephflow.ceph.CephTestCluster;
import io.cephflow.ceph.RbdAges;
import io.cephflow.ceph.RecordStore;
import io.cephflow.ceph.librbd.LibrbdAges;
import io.cephflow.ceph.librbd.RadosRecordStore;
import io.cephflow.e2e.MatrixFlows.FlowType;
import io.cephflow.e2e.MatrixFlows.Prepared;
import io.cephflow.starter.client.CephflowClient;
import io.cephflow.workflows.common.RbdRef;
import io.cephflow.workflows.flatten.FlattenWorkflow;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflowservice.v1.CountWorkflowExecutionsRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker killed (SIGKILL of its process, as {@link CrashHarness} does) right after each step of
 * every flow type (issue 16, part 1, the kill half of TerminateMatrixIT): the N-th activity's code
 * returned, its result not reported to Temporal, held there by the test-only {@code
 * ProcessStepHold} of the worker process. As in TerminateMatrixIT the steps are not listed here: a
 * first round runs every flow to completion and records its activities; round N holds every flow
 * that has an N-th step after it, all at once, and kills the worker once they all stand there (one
 * kill per step index, not per flow). A new worker takes over; every flow must then complete
 * exactly once (one execution, COMPLETED), and what is there (images, snapshots, trash, domains
 * with their state, console logs, scratch files, records) must be what the same flow left in the
 * first round (its ids replaced by their order), the shared resources unchanged; a scoped audit
 * (dry run, through the API) must find every object of the round owned and nothing else (no orphan,
 * no dangling record, no stale in-use). Each round's resources are then removed by hand.
 *
 * <p>Runs only with {@code -Dmatrix.run=true} (not in CI; docs/testing.md); {@code
 * -Dmatrix.steps=3-5} runs rounds 3 to 5 only (round 0 always runs).
 */
@EnabledIfSystemProperty(named = "matrix.run", matches = "true")
class KillMatrixIT {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path dir;
  static CrashHarness harness;
  static StarterApi api;
  static CephflowClient client;
  static WorkflowServiceStubs stubs;
  static String libvirtUri;
  static RecordStore records;
  static Path holdDir;
  static Process worker;
  static MatrixFlows flows;

  /** Every id this test made (the cleanup's list). */
  static final Set<String> ids = ConcurrentHashMap.newKeySet();

  /** The shared owned resources' ids, made by completed flows: their names in a signature. */
  static Map<String, String> sharedNames = new LinkedHashMap<>();

  static final ExecutorService pool = Executors.newFixedThreadPool(4);

  @BeforeAll
  static void start() throws Exception {
    harness = new CrashHarness(dir, Path.of("target", "kill-matrix-it").toAbsolutePath());
    client = harness.client();
    libvirtUri = harness.libvirtUri();
    stubs =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget(harness.target()).build());
    api = new StarterApi(harness.target(), harness.namespace(), dir);
    records = new RadosRecordStore(CephTestCluster.cluster());
    AGES = new LibrbdAges(CephTestCluster.cluster());
    holdDir = Files.createDirectories(dir.resolve("hold"));
    flows = new MatrixFlows(client, dir);
  }

  @AfterAll
  static void stop() {
    pool.shutdownNow();
    starts.shutdownNow();
    try {
      removeEverythingOf(ids);
    } catch (RuntimeException e) {
      System.err.println("kill matrix: cleanup: " + e.getMessage());
    }
    if (api != null) api.close();
    if (harness != null) harness.close();
    if (stubs != null) stubs.shutdown();
  }

  static Process startWorker() throws Exception {
    // held flows' attempts (a retry of a held step waits too) must not take every activity slot
    return harness.startWorker(
        null,
        null,
        List.of("--cephflow.faults.hold-dir=" + holdDir, "--cephflow.worker.activity-slots=400"));
  }

  // --- the flows (MatrixFlows), each taking its ids from its cell

  /** The ids one cell makes, in order (its signature names them #0, #1, ...). */
  static final class Ids implements MatrixFlows.Ids {
    final List<String> made = new ArrayList<>();

    @Override
    public synchronized String next() {
      String id = UUID.randomUUID().toString();
      ids.add(id);
      made.add(id);
      return id;
    }
  }

  /** One flow of one round: its type, the step it is killed after (0: none), its ids. */
  record Cell(FlowType type, int step, String key, Ids ids, Prepared prepared) {
    String op() {
      return prepared.op();
    }

    @Override
    public String toString() {
      return type.name() + " killed after step " + step + " (" + op() + ")";
    }
  }

  // --- the test

  @Test
  void everyFlowWithItsWorkerKilledAfterEachStepCompletesOnceAndLeavesWhatItLeavesUnkilled()
      throws Exception {
    long t0 = System.nanoTime();
    worker = startWorker();
    Ids shared = new Ids();
    flows.makeShared(shared);
    sharedNames.put(flows.rawImage, "$rawImage");
    sharedNames.put(flows.server, "$server");
    sharedNames.put(flows.volume, "$volume");
    sharedNames.put(flows.snapshot, "$snapshot");
    Set<String> sharedIds = Set.copyOf(shared.made);
    Map<String, String> sharedState = stateOf(sharedIds);

    // round 0: every flow to completion, unkilled, its activities recorded: the steps of the
    // matrix, and what each flow leaves
    List<Cell> zero = prepare(0, flows.flows);
    startAll(zero);
    Map<String, List<String>> steps = new LinkedHashMap<>();
    Map<String, Map<String, String>> reference = new LinkedHashMap<>();
    finish(zero);
    Map<String, String> state0 = stateOf(scope(zero, sharedIds));
    for (Cell c : zero) {
      steps.put(c.type().name(), types(c));
      reference.put(c.type().name(), signature(c, state0));
    }
    assertThat(sharedOnly(state0, zero))
        .as("the shared resources in round 0")
        .isEqualTo(sharedState);
    auditOwnsEverything(zero, sharedIds, state0);
    removeRound(zero);
    clearTracks();
    assertThat(sharedOnly(stateOf(sharedIds), List.of()))
        .as("the shared resources after round 0")
        .isEqualTo(sharedState);
    int longest = steps.values().stream().mapToInt(List::size).max().orElseThrow();
    int cells = steps.values().stream().mapToInt(List::size).sum();
    System.out.printf(
        "kill matrix: %d flows, %d steps in all, the longest %d; round 0 took %d s%n",
        steps.size(), cells, longest, (System.nanoTime() - t0) / 1_000_000_000);
    steps.forEach((k, v) -> System.out.println("  " + k + ": " + v));
    reference.forEach((k, v) -> System.out.println("  " + k + " leaves " + v));

    String range = System.getProperty("matrix.steps", "1-" + longest);
    int from = Integer.parseInt(range.split("-")[0]);
    int to = Math.min(longest, Integer.parseInt(range.split("-")[range.contains("-") ? 1 : 0]));
    int kills = 0, killed = 0;
    List<String> failures = new ArrayList<>();
    for (int n = from; n <= to; n++) {
      long tr = System.nanoTime();
      int before = failures.size();
      int step = n;
      List<FlowType> types =
          flows.flows.stream().filter(f -> steps.get(f.name()).size() >= step).toList();
      List<Cell> round = prepare(n, types);
      startAll(round);
      for (Cell c : round) {
        try {
          awaitHeld(c, steps.get(c.type().name()));
        } catch (AssertionError e) {
          failures.add("round " + n + ": " + e.getMessage());
        }
      }
      harness.kill(worker);
      assertThat(worker.exitValue()).as("SIGKILL").isEqualTo(137);
      kills++;
      killed += round.size();
      clearTracks();
      worker = startWorker();
      // each round's findings are kept and the matrix goes on: one run shows them all
      try {
        finish(round);
        Map<String, String> state = stateOf(scope(round, sharedIds));
        for (Cell c : round) {
          Map<String, String> got = signature(c, state);
          if (!got.equals(reference.get(c.type().name())))
            failures.add(
                c + ": left " + got + "\n    where unkilled: " + reference.get(c.type().name()));
        }
        assertThat(sharedOnly(state, round))
            .as("the shared resources in round %d", n)
            .isEqualTo(sharedState);
        auditOwnsEverything(round, sharedIds, state);
      } catch (AssertionError e) {
        failures.add("round " + n + ": " + e.getMessage());
      }
      for (String d : deaths) failures.add("round " + n + ": " + d);
      deaths.clear();
      removeRound(round);
      resumeIfPaused(flows.server);
      System.out.printf(
          "kill matrix: round %d: %d flows killed after their step %d at once, completed and"
              + " audited in %d s; %d findings%n",
          n, round.size(), n, (System.nanoTime() - tr) / 1_000_000_000, failures.size() - before);
      for (String f : failures.subList(before, failures.size()))
        System.out.println("kill matrix: FINDING " + f);
    }
    System.out.printf(
        "kill matrix: %d cells, %d kills in %d s%n",
        killed, kills, (System.nanoTime() - t0) / 1_000_000_000);
    assertThat(kills).isPositive();
    assertThat(failures).as("what the killed flows did, against round 0").isEmpty();
  }

  /** A source VM a finding left paused would fail every later round's shared check: resumed. */
  static void resumeIfPaused(String serverId) {
    String state = ServerIts.virsh(libvirtUri, "domstate", "instance-" + serverId).strip();
    if (state.equals("paused")) ServerIts.virsh(libvirtUri, "resume", "instance-" + serverId);
  }

  /**
   * Makes each flow of {@code types} ready (in parallel) and tracks it, held after {@code step}.
   */
  static List<Cell> prepare(int step, List<FlowType> types) throws Exception {
    List<Future<Cell>> made = new ArrayList<>();
    for (FlowType f : types) {
      made.add(
          pool.submit(
              () -> {
                Ids cellIds = new Ids();
                Prepared p = f.prepare().apply(cellIds);
                return new Cell(f, step, "r" + step + "-" + flows.flows.indexOf(f), cellIds, p);
              }));
    }
    List<Cell> out = new ArrayList<>();
    for (Future<Cell> c : made) out.add(c.get(5, TimeUnit.MINUTES));
    Path track = Files.createDirectories(holdDir.resolve("track"));
    for (Cell c : out) {
      for (String wf : c.prepared().workflowIds())
        Files.writeString(track.resolve(wf), c.key() + " " + step);
    }
    return out;
  }

  /**
   * Starts the round's flows at once: a start waits up to 10 s for the flow's deciding steps (the
   * client's admission), which a flow held after its claim never leaves.
   */
  static void startAll(List<Cell> round) throws Exception {
    List<Future<?>> started = new ArrayList<>();
    for (Cell c : round) started.add(starts.submit(c.prepared().start()));
    for (Future<?> f : started) f.get(1, TimeUnit.MINUTES);
  }

  static final ExecutorService starts = Executors.newCachedThreadPool();

  static void clearTracks() throws Exception {
    try (var s = Files.list(holdDir.resolve("track"))) {
      for (Path p : s.toList()) Files.delete(p);
    }
  }

  static List<String> typesSoFar(Cell c) throws Exception {
    Path f = holdDir.resolve("types").resolve(c.key());
    return Files.exists(f) ? Files.readAllLines(f) : List.of();
  }

  static List<String> types(Cell c) throws Exception {
    Path f = holdDir.resolve("types").resolve(c.key());
    assertThat(f).as("%s recorded no step", c).exists();
    return Files.readAllLines(f).stream().filter(l -> !l.isBlank()).toList();
  }

  static void awaitHeld(Cell c, List<String> steps) throws Exception {
    Path held = holdDir.resolve("held").resolve(c.key());
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (!Files.exists(held)) {
      assertThat(status(c.op()))
          .as("%s ended before it reached its step %d of %s", c, c.step(), steps)
          .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
      assertThat(System.nanoTime())
          .as("%s never reached its step %d of %s; ran %s", c, c.step(), steps, typesSoFar(c))
          .isLessThan(deadline);
      Thread.sleep(200);
    }
    assertThat(Files.readString(held))
        .as("%s: step %d is %s", c, c.step(), steps.get(c.step() - 1))
        .isEqualTo(steps.get(c.step() - 1));
  }

  /**
   * Every flow of the round completes, exactly once (one execution of each of its workflows), and
   * the background flattens it started end.
   */
  static void finish(List<Cell> round) throws Exception {
    for (Cell c : round) {
      for (String wf : c.prepared().workflowIds()) {
        assertThat(awaitClosed(wf))
            .as("%s: %s", c, wf)
            .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED);
        assertThat(executions(wf)).as("executions of %s (%s)", wf, c).isEqualTo(1);
      }
    }
    for (Cell c : round) {
      for (String id : c.ids().made) {
        String wf = FlattenWorkflow.workflowId(RbdRef.image(id));
        if (status(wf) == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_UNSPECIFIED) continue;
        assertThat(awaitClosed(wf))
            .as("the flatten of %s (%s)", id, c)
            .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED);
      }
    }
  }

  /** A worker that died by itself (not the test's kill): each is a finding, then replaced. */
  static final List<String> deaths = new ArrayList<>();

  static void keepWorkerAlive() {
    if (worker.isAlive()) return;
    try {
      List<String> log = Files.readAllLines(harness.log(worker));
      String tail = String.join("\n      ", log.subList(Math.max(0, log.size() - 6), log.size()));
      deaths.add("the worker died by itself (exit " + worker.exitValue() + "):\n      " + tail);
      System.out.println("kill matrix: FINDING " + deaths.get(deaths.size() - 1));
      worker = startWorker();
    } catch (Exception e) {
      throw new IllegalStateException("cannot replace the dead worker", e);
    }
  }

  static WorkflowExecutionStatus awaitClosed(String workflowId) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    WorkflowExecutionStatus s;
    while ((s = status(workflowId)) == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
      keepWorkerAlive();
      assertThat(System.nanoTime()).as("%s still runs", workflowId).isLessThan(deadline);
      Thread.sleep(250);
    }
    return s;
  }

  static long executions(String workflowId) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) { // visibility lags a little behind the history
      long n =
          stubs
              .blockingStub()
              .countWorkflowExecutions(
                  CountWorkflowExecutionsRequest.newBuilder()
                      .setNamespace(harness.namespace())
                      .setQuery("WorkflowId = '" + workflowId + "'")
                      .build())
              .getCount();
      if (n > 0 || System.nanoTime() > deadline) return n;
      Thread.sleep(250);
    }
  }

  static WorkflowExecutionStatus status(String workflowId) {
    return MatrixFlows.status(stubs, harness.namespace(), workflowId);
  }

  // --- what is there

  /**
   * What the cell's ids name, the ids replaced by their order in the cell ({@code #0}) or by the
   * shared resource's name, trash entries by their image's name.
   */
  static Map<String, String> signature(Cell c, Map<String, String> state) {
    Map<String, String> out = new TreeMap<>();
    for (var e : state.entrySet()) {
      String k = e.getKey(), v = e.getValue();
      if (c.ids().made.stream().noneMatch(id -> (e.getKey() + e.getValue()).contains(id))) continue;
      if (v.startsWith("trash ")) k = k.substring(0, k.indexOf('/')) + "/trash";
      out.put(anonymous(c, k), anonymous(c, v));
    }
    return out;
  }

  /** What carries a shared id and no cell's. */
  static Map<String, String> sharedOnly(Map<String, String> state, List<Cell> round) {
    Map<String, String> out = new TreeMap<>();
    for (var e : state.entrySet()) {
      String kv = e.getKey() + e.getValue();
      if (round.stream().flatMap(c -> c.ids().made.stream()).noneMatch(kv::contains))
        out.put(e.getKey(), e.getValue());
    }
    return out;
  }

  static String anonymous(Cell c, String s) {
    for (int i = 0; i < c.ids().made.size(); i++) s = s.replace(c.ids().made.get(i), "#" + i);
    for (var e : sharedNames.entrySet()) s = s.replace(e.getKey(), e.getValue());
    return s;
  }

  /**
   * Every object and record whose name carries one of {@code scope}, by its name in the audit's
   * terms: RBD images and snapshots ("image", "snapshot (protected)"), trash entries ("trash
   * <name>"), domains ("domain <state>"), console logs, scratch files, records (their state, with "
   * by <user>" when in use). Through librbd in this JVM: a listing per round, not per cell.
   */
  static Map<String, String> stateOf(Set<String> scope) throws Exception {
    java.util.function.Predicate<String> ours = n -> scope.stream().anyMatch(n::contains);
    Map<String, String> out = new TreeMap<>();
    var rbd = CephTestCluster.rbd();
    for (String p : List.of("images", "vms", "volumes")) {
      for (String name : rbd.images().list(p)) {
        boolean image = ours.test(name);
        if (image) out.put(p + "/" + name, "image");
        if (!image && !isShared(name)) continue;
        try {
          for (var snap : rbd.snapshots().list(new RbdRef(p, name))) {
            String n = p + "/" + name + "@" + snap.name();
            if (ours.test(n)) out.put(n, "snapshot" + (snap.isProtected() ? " (protected)" : ""));
          }
        } catch (RuntimeException e) {
          if (image) throw e; // another's image, removed meanwhile
        }
      }
      for (var t : AGES.trash(p))
        if (ours.test(t.name())) out.put(p + "/" + t.id(), "trash " + t.name());
      for (String key : records.keys(p)) {
        if (!ours.test(key)) continue;
        JsonNode r = JSON.readTree(records.read(p, key).orElseThrow());
        String state = r.path("state").asText();
        String user = r.path("usedBy").asText("");
        out.put(
            p + "/" + key, state + (user.isEmpty() || user.equals("null") ? "" : " by " + user));
      }
    }
    for (String d : ServerIts.virsh(libvirtUri, "list", "--all", "--name").split("\n")) {
      if (!d.isBlank() && ours.test(d))
        out.put(d.strip(), "domain " + ServerIts.virsh(libvirtUri, "domstate", d.strip()).strip());
    }
    for (Path d : List.of(harness.consoleDir(), harness.scratchDir())) {
      if (!Files.isDirectory(d)) continue;
      try (var s = Files.list(d)) {
        for (Path f : s.toList()) {
          String n = f.getFileName().toString();
          if (ours.test(n))
            out.put(n, d.equals(harness.scratchDir()) ? "scratch file" : "console log");
        }
      }
    }
    return out;
  }

  static RbdAges AGES;

  /** A shared image, whose snapshots may be a cell's (a volume snapshot of the shared volume). */
  static boolean isShared(String name) {
    return sharedNames.keySet().stream().anyMatch(name::contains);
  }

  /**
   * A scoped audit of the round's and the shared ids (dry run, through the API): every object there
   * is owned, nothing else is found (no orphan, no dangling record, no stale in-use).
   */
  static void auditOwnsEverything(List<Cell> round, Set<String> shared, Map<String, String> state)
      throws Exception {
    Map<String, String> owned = new TreeMap<>();
    for (var e : state.entrySet()) {
      if (!e.getKey().matches("(images|vms|volumes)/[a-z]+\\.[0-9a-f-]{36}"))
        owned.put(e.getKey(), "OWNED");
    }
    JsonNode result = api.audit(false, scope(round, shared));
    assertThat(StarterApi.leaksOf(result)).as("leftovers of %s", round).isEmpty();
    assertThat(StarterApi.categories(result)).as("the audit of %s", round).isEqualTo(owned);
  }

  static Set<String> scope(List<Cell> round, Set<String> shared) {
    Set<String> scope = new TreeSet<>(shared);
    for (Cell c : round) scope.addAll(c.ids().made);
    return scope;
  }

  // --- cleanup

  static void removeRound(List<Cell> round) {
    Set<String> made = new HashSet<>();
    for (Cell c : round) made.addAll(c.ids().made);
    removeEverythingOf(made);
  }

  /** Removes by hand what the ids name: domains, images (clones first), trash, records, logs. */
  static void removeEverythingOf(Collection<String> scope) {
    if (scope.isEmpty()) return;
    java.util.function.Predicate<String> ours = n -> scope.stream().anyMatch(n::contains);
    var rbd = CephTestCluster.rbd();
    for (String d : ServerIts.virsh(libvirtUri, "list", "--all", "--name").split("\n")) {
      if (!d.isBlank() && ours.test(d)) {
        ServerIts.virshQuietly(libvirtUri, "destroy", d.strip());
        ServerIts.virshQuietly(libvirtUri, "undefine", d.strip());
      }
    }
    for (String p : List.of("vms", "volumes", "images")) {
      for (String name : rbd.images().list(p)) {
        if (ours.test(name)) {
          ServerIts.purgeQuietly(new RbdRef(p, name));
        } else if (isShared(name)) {
          try { // a cell's snapshot of a shared image (its clones gone first)
            RbdRef ref = new RbdRef(p, name);
            for (var snap : rbd.snapshots().list(ref)) {
              if (!ours.test(snap.name())) continue;
              var sref = ref.snapshot(snap.name());
              for (RbdRef child : rbd.clones().children(sref)) ServerIts.purgeQuietly(child);
              if (snap.isProtected()) rbd.snapshots().unprotect(sref);
              rbd.snapshots().remove(sref);
            }
          } catch (RuntimeException e) {
            System.err.println("kill matrix: cleanup of " + name + ": " + e.getMessage());
          }
        }
      }
    }
    for (String p : List.of("images", "vms", "volumes")) {
      try {
        for (var t : AGES.trash(p)) if (ours.test(t.name())) AGES.removeFromTrash(p, t.id());
      } catch (RuntimeException e) {
        System.err.println("kill matrix: trash cleanup: " + e.getMessage());
      }
      for (String key : records.keys(p)) {
        if (ours.test(key)) records.read(p, key).ifPresent(v -> records.remove(p, key, v));
      }
    }
    for (Path d : List.of(harness.consoleDir(), harness.scratchDir())) {
      if (!Files.isDirectory(d)) continue;
      try (var s = Files.list(d)) {
        for (Path f : s.toList()) if (ours.test(f.getFileName().toString())) Files.delete(f);
      } catch (Exception e) {
        System.err.println("kill matrix: cleanup of " + d + ": " + e.getMessage());
      }
    }
  }
}
