package io.cephflow.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cephflow.ceph.CephTestCluster;
import io.cephflow.ceph.RecordStore;
import io.cephflow.ceph.librbd.RadosRecordStore;
import io.cephflow.e2e.MatrixFlows.FlowType;
import io.cephflow.e2e.MatrixFlows.Prepared;
import io.cephflow.starter.client.CephflowClient;
import io.cephflow.worker.faults.StepHold;
import io.cephflow.workflows.common.RbdRef;
import io.cephflow.workflows.flatten.FlattenWorkflow;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

/**
 * The leak auditor against terminates (issue 16, part 1): every flow type is terminated, as the
 * Temporal UI does (no undo runs), right after each of its steps (the N-th activity's code
 * returned, its result not recorded yet: held there by the test's {@link StepHold}). The steps are
 * not listed here: a first round runs every flow to completion and records its activities, and
 * round N holds each flow after its N-th; a new step in a flow is covered without a change here.
 * After each batch of rounds a scoped audit must name exactly the leftovers (each object of a
 * resource whose record is missing, a tombstone, or held by the ended operation: orphan; that
 * record: dangling; a record in use by such a server: stale; a live server's domain paused while
 * none of the flows runs: left paused), with everything the test made through completed flows
 * owned; the reap must remove exactly those and leave the owned ones as they were; a second audit
 * is clean.
 *
 * <p>What the test expects is worked out from what is there (RBD, libvirt, the scratch area, the
 * records, by the ids in the names), not from the auditor's rules.
 */
// runs only when asked for: every cell with -Dmatrix.run=true, one step a flow with
// -Dmatrix.sample=SEED (dev/test's real-Temporal pass); docs/testing.md
@EnabledIf("enabled")
class TerminateMatrixIT {
  static final ObjectMapper JSON = new ObjectMapper();

  /** Rounds of steps run at once (each audited and reaped once): {@code -Dmatrix.batch=N}. */
  static final int BATCH = Integer.getInteger("matrix.batch", 4);

  /**
   * The steps terminated: {@code -Dmatrix.from=N} (default 1) to {@code -Dmatrix.to=M} (default the
   * longest flow's last), to re-run only the steps after a fix.
   */
  static final int FROM = Integer.getInteger("matrix.from", 1);

  static final int TO = Integer.getInteger("matrix.to", Integer.MAX_VALUE);

  /**
   * {@code -Dmatrix.sample=SEED}: one step of each flow instead, chosen by the seed (printed), all
   * in one batch: what dev/test runs (~2 min); the same seed gives the same cells.
   */
  static final Long SAMPLE = Long.getLong("matrix.sample");

  /** The whole matrix ({@code -Dmatrix.run=true}, ~25 min) or a sample of it. */
  static boolean enabled() {
    return Boolean.getBoolean("matrix.run") || SAMPLE != null;
  }

  @TempDir static Path dir;
  static Path work;
  static CephflowStack stack;
  static String libvirtUri;
  static RecordStore records;
  static CephflowClient client;
  static WorkflowClient temporal;
  static StepHold hold;
  static MatrixFlows flows;

  /** Every id this test made (the audits' scope, the cleanup's list). */
  static final Set<String> ids = ConcurrentHashMap.newKeySet();

  static final ExecutorService pool = Executors.newFixedThreadPool(4);

  @BeforeAll
  static void start() throws Exception {
    libvirtUri = ServerIts.requireDevServices();
    work = Path.of("target", "terminate-matrix-it").toAbsolutePath();
    List<String> args = new ArrayList<>(ServerIts.hypervisorArgs(work, libvirtUri));
    args.add("--cephflow.audit.minimum-age=0s");
    args.add("--cephflow.faults.hold=true");
    stack = new CephflowStack(dir, args.toArray(new String[0]));
    records = new RadosRecordStore(CephTestCluster.cluster());
    temporal = stack.worker.getBean(WorkflowClient.class);
    client = new CephflowClient(temporal);
    hold = stack.worker.getBean(StepHold.class);
    flows = new MatrixFlows(client, dir);
  }

  @AfterAll
  static void stop() {
    pool.shutdownNow();
    for (String id : ids) ServerIts.removeDomainQuietly(libvirtUri, id);
    for (int pass = 0; pass < 3; pass++) {
      for (String p : List.of("vms", "volumes", "images")) {
        for (String name : rbdList(p)) if (ours(name)) purgeQuietly(p + "/" + name);
      }
    }
    for (String p : List.of("images", "vms", "volumes")) {
      for (String[] t : trash(p)) {
        if (ours(t[1])) {
          try {
            CephTestCluster.rbdCli("trash", "rm", p + "/" + t[0]);
          } catch (RuntimeException e) {
            System.err.println("terminate matrix: trash cleanup: " + e.getMessage());
          }
        }
      }
    }
    for (String id : ids) {
      for (String kind : KINDS) {
        String p = pool(kind);
        records.read(p, kind + "." + id).ifPresent(v -> records.remove(p, kind + "." + id, v));
      }
    }
    if (stack != null) stack.close();
  }

  static final List<String> KINDS = List.of("image", "rawcopy", "volume", "snapshot", "server");

  static String pool(String kind) {
    return switch (kind) {
      case "image", "rawcopy" -> "images";
      case "volume", "snapshot" -> "volumes";
      default -> "vms";
    };
  }

  static boolean ours(String name) {
    return ids.stream().anyMatch(name::contains);
  }

  static String newId() {
    String id = UUID.randomUUID().toString();
    ids.add(id);
    return id;
  }

  // --- the test

  @Test
  void everyFlowTerminatedAfterEachStepLeavesWhatTheAuditFindsAndTheReapRemovesExactly()
      throws Exception {
    long t0 = System.nanoTime();
    // the shared resources the flows work from, owned from here on
    flows.makeShared(TerminateMatrixIT::newId);

    // round 0: every flow to completion, its activities recorded: the steps of the matrix
    Map<String, List<String>> steps = new LinkedHashMap<>();
    List<Future<Object>> recorded = new ArrayList<>();
    for (FlowType f : flows.flows) {
      recorded.add(
          pool.submit(
              () -> {
                List<String> types = runToCompletion(f);
                synchronized (steps) {
                  steps.put(f.name(), types);
                }
                return null;
              }));
    }
    for (Future<Object> r : recorded) r.get(5, TimeUnit.MINUTES);
    awaitBackgroundFlattens();
    int longest = steps.values().stream().mapToInt(List::size).max().orElseThrow();
    int cells = steps.values().stream().mapToInt(List::size).sum();
    System.out.printf(
        "terminate matrix: %d flows, %d steps in all, the longest %d; round 0 took %d s%n",
        steps.size(), cells, longest, ms(System.nanoTime() - t0) / 1000);
    steps.forEach((k, v) -> System.out.println("  " + k + ": " + v));

    // the batches: every step of every flow, BATCH steps at once; or, sampled, one step a flow
    List<List<Cell>> batches = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    if (SAMPLE != null) {
      java.util.Random random = new java.util.Random(SAMPLE);
      List<Cell> one = new ArrayList<>();
      for (FlowType f : flows.flows)
        one.add(new Cell(f, 1 + random.nextInt(steps.get(f.name()).size())));
      System.out.printf(
          "terminate matrix: sampled with seed %d (the same cells again: -Dmatrix.sample=%d;"
              + " every cell: -Dmatrix.run=true): %s%n",
          SAMPLE, SAMPLE, one.stream().map(c -> c.flow().name() + " " + c.step()).toList());
      batches.add(one);
      labels.add("one step a flow");
    } else {
      int last = Math.min(longest, TO);
      for (int first = FROM; first <= last; first += BATCH) {
        List<Cell> batch = new ArrayList<>();
        for (int n = first; n < first + BATCH && n <= last; n++) {
          for (FlowType f : flows.flows)
            if (n <= steps.get(f.name()).size()) batch.add(new Cell(f, n));
        }
        batches.add(batch);
        labels.add("steps " + first + ".." + Math.min(last, first + BATCH - 1));
      }
    }
    int terminated = 0;
    for (int b = 0; b < batches.size(); b++) {
      long tb = System.nanoTime();
      List<Future<Terminated>> runs = new ArrayList<>();
      for (Cell c : batches.get(b)) {
        List<String> types = steps.get(c.flow().name());
        runs.add(pool.submit(() -> terminateAfter(c.flow(), c.step(), types)));
      }
      List<Terminated> ended = new ArrayList<>();
      for (Future<Terminated> r : runs) ended.add(r.get(5, TimeUnit.MINUTES));
      for (Terminated t : ended) awaitClosed(t.run().workflowIds());
      auditAndReap(ended);
      terminated += ended.size();
      System.out.printf(
          "terminate matrix: %s: %d flows terminated, audited and reaped in %d s%n",
          labels.get(b), ended.size(), ms(System.nanoTime() - tb) / 1000);
    }
    assertThat(terminated).isPositive();
    System.out.printf(
        "terminate matrix: %d of %d cells in %d s%n",
        terminated, cells, ms(System.nanoTime() - t0) / 1000);
  }

  /** One cell of the matrix: a flow type terminated after its {@code step}-th activity. */
  record Cell(FlowType flow, int step) {}

  record Terminated(FlowType flow, Prepared run, int step, String heldType) {}

  /** Runs {@code f} to completion with its activities recorded; returns them. */
  static List<String> runToCompletion(FlowType f) {
    Prepared p = f.prepare().apply(TerminateMatrixIT::newId);
    StepHold.Tracked t = hold.track(0, Set.copyOf(p.workflowIds()));
    p.start().run();
    flows.done(p.op());
    assertThat(t.types()).as(f.name()).isNotEmpty();
    return t.types();
  }

  static Terminated terminateAfter(FlowType f, int step, List<String> types) throws Exception {
    Prepared p = f.prepare().apply(TerminateMatrixIT::newId);
    StepHold.Tracked t = hold.track(step, Set.copyOf(p.workflowIds()));
    p.start().run();
    String op = p.op();
    try {
      assertThat(t.awaitHeld(120))
          .as("%s never reached step %d of %s; ran %s", f.name(), step, types, t.types())
          .isTrue();
      assertThat(t.heldType())
          .as("%s: step %d is %s", f.name(), step, types.get(step - 1))
          .isEqualTo(types.get(step - 1));
      temporal.newUntypedWorkflowStub(op).terminate("terminate matrix");
    } finally {
      t.release();
    }
    return new Terminated(f, p, step, t.heldType());
  }

  // --- the audit and what it must say

  void auditAndReap(List<Terminated> ended) throws Exception {
    Map<String, String> before = stateOfEverything();
    Map<String, String> expected = expectedLeaks(before);
    JsonNode first = audit(false);
    Map<String, String> found = leaksOf(first);
    assertThat(found)
        .as("the leftovers of %s", describe(ended))
        .containsExactlyInAnyOrderEntriesOf(expected);
    for (JsonNode f : first.path("findings")) {
      String name = f.path("object").path("name").asText();
      if (!expected.containsKey(name))
        assertThat(f.path("category").asText()).as(name).isEqualTo("OWNED");
    }

    JsonNode reap = audit(true);
    assertThat(leaksOf(reap)).isEqualTo(expected);
    for (JsonNode f : reap.path("findings")) {
      String name = f.path("object").path("name").asText();
      if (expected.containsKey(name)) {
        assertThat(f.path("reaped").asText())
            .as(name)
            .isIn(
                "removed",
                "removed (was running)",
                "marked deleted",
                "detached (available)",
                "resumed");
      } else {
        assertThat(f.path("reaped").isNull()).as(name).isTrue();
      }
    }
    Map<String, String> after = stateOfEverything();
    for (var e : before.entrySet()) {
      String name = e.getKey();
      String category = expected.get(name);
      if (category == null) {
        assertThat(after.get(name)).as("owned %s after the reap", name).isEqualTo(e.getValue());
      } else if (category.equals("ORPHAN")) {
        assertThat(after).as("the reap removes %s", name).doesNotContainKey(name);
      } else if (category.equals("DANGLING_RECORD") && name.startsWith("images/rawcopy.")) {
        // a raw copy's record is given back, as a failed conversion does: the next boot from its
        // image converts once again (a tombstone made every later boot convert into its own disk)
        assertThat(after).as("the reap removes %s", name).doesNotContainKey(name);
      } else if (category.equals("DANGLING_RECORD")) {
        assertThat(after.get(name)).as(name).isEqualTo("DELETED");
      } else if (category.equals("LEFT_PAUSED")) {
        assertThat(after.get(name)).as("the reap resumes %s", name).isEqualTo("domain running");
      } else {
        assertThat(after.get(name)).as(name).isEqualTo("AVAILABLE");
      }
    }
    assertThat(leaksOf(audit(false))).as("a second audit").isEmpty();
  }

  static String describe(List<Terminated> ended) {
    StringBuilder b = new StringBuilder();
    for (Terminated t : ended)
      b.append(
          String.format(
              "%n  %s after step %d (%s): %s",
              t.flow().name(), t.step(), t.heldType(), t.run().op()));
    return b.toString();
  }

  /**
   * Every object and record carrying one of the test's ids, by its name in the audit's terms: RBD
   * images and snapshots (value: "image", "snapshot"), trash entries ("trash <name>"), domains
   * ("domain running", "domain paused", "domain shut off"), console logs, scratch files, records
   * (value: the record's state, with " by server:x" when in use).
   */
  static Map<String, String> stateOfEverything() throws Exception {
    Map<String, String> out = new TreeMap<>();
    for (String p : List.of("images", "vms", "volumes")) {
      for (String name : rbdList(p)) {
        if (!ours(name)) continue;
        out.put(p + "/" + name, "image");
        for (JsonNode s :
            JSON.readTree(CephTestCluster.rbdCli("snap", "ls", "--format", "json", p + "/" + name)))
          out.put(p + "/" + name + "@" + s.path("name").asText(), "snapshot");
      }
      for (String[] t : trash(p)) if (ours(t[1])) out.put(p + "/" + t[0], "trash " + t[1]);
      for (String key : records.keys(p)) {
        String id = key.substring(key.indexOf('.') + 1);
        if (!ids.contains(id)) continue;
        JsonNode r = JSON.readTree(records.read(p, key).orElseThrow());
        String state = r.path("state").asText();
        String user = r.path("usedBy").asText("");
        out.put(
            p + "/" + key, state + (user.isEmpty() || user.equals("null") ? "" : " by " + user));
      }
    }
    // " Id   Name   State" then "-----", then one row a domain: "19  instance-<id>  running"
    for (String line : ServerIts.virsh(libvirtUri, "list", "--all").split("\n")) {
      String[] f = line.strip().split("\\s+", 3);
      if (f.length == 3 && ours(f[1])) out.put(f[1], "domain " + f[2].strip());
    }
    try (var s = Files.list(ServerIts.consoleDir(work))) {
      s.map(p -> p.getFileName().toString())
          .filter(TerminateMatrixIT::ours)
          .forEach(n -> out.put(n, "console log"));
    }
    for (String f : stack.scratchFiles()) if (ours(f)) out.put(f, "scratch file");
    return out;
  }

  static final String U = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
  static final Pattern RECORD = Pattern.compile("(images|vms|volumes)/(\\w+)\\.(" + U + ")");

  /** The resource ({@code kind:id}) an object is of: the last id its name carries. */
  static String resourceOf(String name, String value) {
    String subject = value.startsWith("trash ") ? value.substring(6) : name;
    Matcher m = Pattern.compile(U).matcher(subject);
    String last = null;
    int at = -1;
    while (m.find()) {
      last = m.group();
      at = m.start();
    }
    String rest = subject.substring(at + last.length());
    String head = subject.substring(0, at);
    if (rest.startsWith("_raw")) return "rawcopy:" + last;
    if (head.endsWith("@snapshot-")) return "snapshot:" + last;
    if (head.endsWith("@cephflow-image-")) return "image:" + last;
    if (head.startsWith("instance-") || name.startsWith("vms/")) return "server:" + last;
    if (head.contains("volume-")) return "volume:" + last;
    return "image:" + last;
  }

  /** What the audit must call a leak, from the state alone (see the class comment). */
  static Map<String, String> expectedLeaks(Map<String, String> state) {
    Map<String, String> recordState = new TreeMap<>();
    Map<String, String> recordName = new TreeMap<>();
    for (var e : state.entrySet()) {
      Matcher m = RECORD.matcher(e.getKey());
      if (m.matches()) {
        recordState.put(m.group(2) + ":" + m.group(3), e.getValue());
        recordName.put(m.group(2) + ":" + m.group(3), e.getKey());
      }
    }
    Map<String, String> leaks = new TreeMap<>();
    Set<String> present = new java.util.HashSet<>();
    for (var e : state.entrySet()) {
      if (RECORD.matcher(e.getKey()).matches()) continue;
      String resource = resourceOf(e.getKey(), e.getValue());
      String rec = recordState.get(resource);
      boolean live = rec != null && (rec.startsWith("AVAILABLE") || rec.startsWith("IN_USE"));
      boolean staged = e.getValue().equals("scratch file"); // a staged upload's file
      if (!live || (staged && live)) leaks.put(e.getKey(), "ORPHAN");
      else {
        if (primary(e.getKey(), e.getValue(), resource)) present.add(resource);
        // a live server's domain paused while none of the test's flows runs (all ended): a
        // terminate between image from server's suspend and resume left it so
        if (e.getValue().equals("domain paused")) leaks.put(e.getKey(), "LEFT_PAUSED");
      }
    }
    for (var e : recordState.entrySet()) {
      String resource = e.getKey();
      String s = e.getValue();
      String name = recordName.get(resource);
      if (s.startsWith("CREATING") || s.startsWith("DELETING")) leaks.put(name, "DANGLING_RECORD");
      else if (s.startsWith("DELETED")) continue;
      else if (!present.contains(resource)) leaks.put(name, "DANGLING_RECORD");
      else if (s.startsWith("IN_USE by server:")) {
        String user = recordState.get(s.substring("IN_USE by ".length()));
        if (user == null || !(user.startsWith("AVAILABLE") || user.startsWith("IN_USE")))
          leaks.put(name, "STALE_IN_USE");
      }
    }
    return leaks;
  }

  /** Whether the object is what its resource is (a record without one is dangling). */
  static boolean primary(String name, String value, String resource) {
    String id = resource.substring(resource.indexOf(':') + 1);
    return switch (resource.substring(0, resource.indexOf(':'))) {
      case "image" -> name.equals("images/" + id) || name.equals("images/" + id + "@snap");
      case "rawcopy" -> name.equals("images/" + id + "_raw");
      case "volume" -> name.equals("volumes/volume-" + id) || value.equals("trash volume-" + id);
      case "snapshot" -> name.endsWith("@snapshot-" + id);
      default -> name.equals("vms/" + id + "_disk") || name.equals("instance-" + id);
    };
  }

  // --- helpers

  /** An audit of this test's ids through REST, awaited: its result. */
  static JsonNode audit(boolean reap) throws Exception {
    return stack.api.audit(reap, ids);
  }

  /** The findings that are not OWNED, by object name: their category. */
  static Map<String, String> leaksOf(JsonNode result) {
    Map<String, String> out = StarterApi.categories(result);
    out.values().removeIf("OWNED"::equals);
    return out;
  }

  static void awaitClosed(Collection<String> workflowIds) throws InterruptedException {
    for (String id : workflowIds) {
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
      while (status(id) == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
        assertThat(System.nanoTime()).as("%s still runs", id).isLessThan(deadline);
        Thread.sleep(200);
      }
    }
  }

  static WorkflowExecutionStatus status(String workflowId) {
    return MatrixFlows.status(
        temporal.getWorkflowServiceStubs(), temporal.getOptions().getNamespace(), workflowId);
  }

  /** The background flattens the completed images from the server started (running operations). */
  static void awaitBackgroundFlattens() throws InterruptedException {
    for (String id : ids) {
      String wf = FlattenWorkflow.workflowId(RbdRef.image(id));
      if (status(wf) != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_UNSPECIFIED)
        awaitClosed(List.of(wf));
    }
  }

  static List<String> rbdList(String pool) {
    return CephTestCluster.rbdCli("ls", pool).lines().filter(l -> !l.isBlank()).toList();
  }

  static List<String[]> trash(String pool) {
    List<String[]> out = new ArrayList<>();
    for (String line : CephTestCluster.rbdCli("trash", "ls", pool).split("\n")) {
      String[] f = line.strip().split("\\s+");
      if (f.length == 2) out.add(f);
    }
    return out;
  }

  /** Removes an image, its snapshots and their clones (cleanup only). */
  static void purgeQuietly(String image) {
    try {
      for (JsonNode s :
          JSON.readTree(CephTestCluster.rbdCli("snap", "ls", "--format", "json", image))) {
        String snap = image + "@" + s.path("name").asText();
        for (String child :
            CephTestCluster.rbdCli("children", snap).lines().filter(l -> !l.isBlank()).toList())
          purgeQuietly(child.strip());
        try {
          CephTestCluster.rbdCli("snap", "unprotect", snap);
        } catch (RuntimeException e) {
          // not protected
        }
        CephTestCluster.rbdCli("snap", "rm", snap);
      }
      CephTestCluster.rbdCli("rm", "--no-progress", image);
    } catch (Exception e) {
      System.err.println("terminate matrix: could not purge " + image + ": " + e.getMessage());
    }
  }

  static long ms(long nanos) {
    return nanos / 1_000_000;
  }
}
