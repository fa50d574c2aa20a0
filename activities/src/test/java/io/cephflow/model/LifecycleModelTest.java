package io.cephflow.model;

import static io.cephflow.workflows.testing.IdPool.ids;
import static io.cephflow.workflows.testing.IdPool.pick;
import static io.cephflow.workflows.testing.IdPool.pickOrNew;
import static org.assertj.core.api.Assertions.assertThat;

import io.cephflow.activities.ResourceActivitiesImpl;
import io.cephflow.workflows.WorkflowCatalog;
import io.cephflow.workflows.common.RbdRef;
import io.cephflow.workflows.common.ResourceRecord;
import io.cephflow.workflows.common.ResourceRecord.State;
import io.cephflow.workflows.common.TaskQueues;
import io.cephflow.workflows.flatten.FlattenWorkflow;
import io.cephflow.workflows.image.DeleteImageRequest;
import io.cephflow.workflows.image.UploadImageRequest;
import io.cephflow.workflows.server.BootFromImageRequest;
import io.cephflow.workflows.server.BootFromVolumeRequest;
import io.cephflow.workflows.server.BootFromVolumeSnapshotRequest;
import io.cephflow.workflows.server.CreateImageFromServerRequest;
import io.cephflow.workflows.server.DeleteServerRequest;
import io.cephflow.workflows.storage.ImportActivities;
import io.cephflow.workflows.testing.FakeCeph;
import io.cephflow.workflows.testing.FakeHypervisor;
import io.cephflow.workflows.testing.WorkflowTestBed;
import io.cephflow.workflows.volume.CreateVolumeFromImageRequest;
import io.cephflow.workflows.volume.CreateVolumeSnapshotRequest;
import io.cephflow.workflows.volume.DeleteVolumeRequest;
import io.cephflow.workflows.volume.DeleteVolumeSnapshotRequest;
import io.cephflow.workflows.volume.VolumeFromSnapshotRequest;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The lifecycle, model-based: random sequences of creates, snapshots, boots and deletes over a few
 * ids per kind (so ids are reused and operations cross: a volume id given to a boot as its new
 * volume, a snapshot id on another volume, a delete before the create), run through the real
 * workflows with the id rules the client uses, and the real state machine of the records ({@link
 * ResourceActivitiesImpl}, over a store in memory), over RBD and libvirt in memory. After every
 * step the state must keep the rules: nothing removed but by its own successful delete, a refused
 * or failed step changes nothing, no owner ever changes, every image has a live record and every
 * available record its data, a volume is the disk of one server at most, ids are never reused.
 * {@code -Dcephflow.model.sequences=N} runs more (default 250 of 12 steps).
 */
class LifecycleModelTest {
  static final String HV = "hv1";
  static final int SEQUENCES = Integer.getInteger("cephflow.model.sequences", 250);
  static final int STEPS = 12;

  /**
   * {@code -Dcephflow.model.explain=<step name prefix>} prints why such steps failed (tuning the
   * generator).
   */
  static final String EXPLAIN = System.getProperty("cephflow.model.explain");

  /**
   * {@code -Dcephflow.model.seed=N}: the three tests draw their sequences' seeds from N+1, N+2, N+3
   * (default 20261200, the seeds CI runs); another N runs other sequences.
   */
  static final long SEED = Long.getLong("cephflow.model.seed", 20261200L);

  /**
   * {@code -Dcephflow.model.sequence=S}: each test runs only the sequence of seed S (the one a
   * failure names: "seed S"), without the checks that the sequences covered every flow.
   */
  static final Long SEQUENCE = Long.getLong("cephflow.model.sequence");

  /** Runs the test's sequences; false when only {@link #SEQUENCE} ran. */
  private boolean runSequences(long offset, int count, int cancelOneIn) {
    if (SEQUENCE != null) {
      runSequence(SEQUENCE, cancelOneIn);
      return false;
    }
    System.out.println("lifecycle model: sequences drawn from seed " + (SEED + offset));
    Random seeds = new Random(SEED + offset);
    for (int seq = 0; seq < count; seq++) runSequence(seeds.nextLong(), cancelOneIn);
    return true;
  }

  static TestWorkflowEnvironment env;
  static final FakeCeph ceph = new FakeCeph();
  static final FakeHypervisor hv = new FakeHypervisor();

  /** The real state machine of the records, over a store in memory. */
  static final ResourceActivitiesImpl records =
      new ResourceActivitiesImpl(
          new InMemoryRecordStore(), java.time.Clock.systemUTC(), LifecycleModelTest::running);

  static final Map<String, Integer> succeeded = new TreeMap<>();
  static final Map<String, Integer> outcomes = new TreeMap<>();
  static final Map<String, Integer> canceled = new TreeMap<>();
  static final CancelAtStep canceller = new CancelAtStep(() -> env.getWorkflowClient());

  /** Whether an operation ({@code <workflow id>@<run id>}) still runs, asked of the test server. */
  static boolean running(String operation) {
    if (operation == null || !operation.contains("@")) return false;
    String[] parts = operation.split("@", 2);
    return env.getWorkflowClient()
            .newUntypedWorkflowStub(
                parts[0], java.util.Optional.of(parts[1]), java.util.Optional.empty())
            .describe()
            .getStatus()
        == io.temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
  }

  @BeforeAll
  static void start() {
    env = WorkflowTestBed.newEnvironment(false, canceller);
    Worker w = env.newWorker(WorkflowTestBed.QUEUE);
    w.registerWorkflowImplementationTypes(
        WorkflowTestBed.OPTIONS, WorkflowCatalog.IMPLEMENTATIONS.toArray(new Class<?>[0]));
    w.registerActivitiesImplementations(ceph, records, new RawSources());
    hv.storage = ceph; // its pause + snapshot + resume step snapshots there
    env.newWorker(TaskQueues.host(HV)).registerActivitiesImplementations(hv);
    env.start();
  }

  @AfterAll
  static void stop() {
    env.close();
  }

  /** One step: what it is (for the failure message), its workflow, id, reuse rule and request. */
  record Step(
      String name,
      String type,
      String workflowId,
      boolean delete,
      Object request,
      Set<String> mayRemove,
      String creates) {}

  @Test
  void noSequenceOfRequestsLosesAdoptsOrDoubleAttachesAResource() {
    if (!runSequences(1, SEQUENCES, 0)) return;
    // the sequences did real work, not only refusals
    System.out.println(
        "lifecycle model: "
            + SEQUENCES
            + " sequences of "
            + STEPS
            + " steps; outcomes: "
            + outcomes);
    for (String kind :
        List.of(
            "upload",
            "volume-from-image",
            "snapshot",
            "volume-from-snapshot",
            "boot-from-image",
            "boot-from-volume",
            "boot-from-volume-snapshot",
            "image-from-server",
            "delete-image",
            "delete-volume",
            "delete-snapshot",
            "delete-server")) {
      assertThat(succeeded.getOrDefault(kind, 0))
          .as(kind + " succeeded in some sequence")
          .isPositive();
    }
  }

  /**
   * The same rules while users cancel: one create in three is canceled from inside one of its first
   * four normal steps or six steps of either kind ({@link CancelAtStep}), before or after that step
   * did its work; normal steps and local ones (a local step's flow hears the cancel once its
   * workflow task completed). A canceled flow must leave nothing, touch nothing it did not make,
   * and free its id as the rules say.
   */
  @Test
  void aFlowCanceledInAnyOfItsStepsLeavesNothingAndTakesNothing() {
    if (!runSequences(2, SEQUENCES / 2, 3)) return;
    System.out.println(
        "lifecycle model with cancels: " + SEQUENCES / 2 + " sequences; cancels: " + canceled);
    for (String kind :
        List.of(
            "upload",
            "volume-from-image",
            "snapshot",
            "volume-from-snapshot",
            "boot-from-image",
            "boot-from-volume",
            "boot-from-volume-snapshot",
            "image-from-server")) {
      // most flows' first steps are local now (claim, stat, hold): a kind is covered by cancels
      // in either kind of step, the few flows that reach a normal step early by the total below
      assertThat(
              canceled.getOrDefault(kind + " canceled in a step", 0)
                  + canceled.getOrDefault(kind + " canceled in a local step", 0))
          .as(kind + " canceled inside a step")
          .isPositive();
    }
    assertThat(canceled.keySet().stream().filter(k -> k.endsWith(" canceled in a step")).count())
        .as("kinds canceled inside a normal step")
        .isGreaterThanOrEqualTo(2);
  }

  /**
   * Terminated creates (as from Temporal's UI, in one of their first four normal or six steps,
   * before or after that step's work): no undo runs, so what the step made stays, named by the
   * record the create claimed; the delete of that id, run next, must remove exactly that and touch
   * nothing else. The pair is checked as one step that did not complete (nothing left, nothing
   * taken).
   */
  @Test
  void whatATerminatedCreateLeftIsRemovedByItsDeleteAndNothingElseIs() {
    if (!runSequences(3, SEQUENCES / 2, -3)) return;
    System.out.println(
        "lifecycle model with terminations: " + SEQUENCES / 2 + " sequences; " + terminated);
    for (String kind : TERMINABLE.values()) {
      assertThat(terminated.getOrDefault(kind, 0))
          .as(kind + " terminated in a step and cleaned up")
          .isPositive();
    }
  }

  /** The creates a terminate test covers, and the delete that removes what each left. */
  static final Map<String, String> TERMINABLE =
      Map.of(
          "UploadImageWorkflow",
          "upload",
          "CreateVolumeFromImageWorkflow",
          "volume-from-image",
          "VolumeFromSnapshotWorkflow",
          "volume-from-snapshot",
          "CreateVolumeSnapshotWorkflow",
          "snapshot",
          "BootFromImageWorkflow",
          "boot-from-image",
          "BootFromVolumeWorkflow",
          "boot-from-volume");

  static final Map<String, Integer> terminated = new TreeMap<>();

  private static Step deleteOf(Step create) {
    String id = create.creates().substring(create.creates().indexOf(':') + 1);
    return switch (create.type()) {
      case "UploadImageWorkflow" ->
          new Step(
              "delete-image " + id,
              "DeleteImageWorkflow",
              "image-delete-" + id,
              true,
              new DeleteImageRequest(id, false),
              Set.of("images/" + id),
              null);
      case "CreateVolumeSnapshotWorkflow" -> {
        String vol = ((CreateVolumeSnapshotRequest) create.request()).volumeId();
        yield new Step(
            "delete-snapshot " + vol + "@" + id,
            "DeleteVolumeSnapshotWorkflow",
            "volume-snapshot-delete-" + id,
            true,
            new DeleteVolumeSnapshotRequest(vol, id, false),
            Set.of("volumes/volume-" + vol + "@snapshot-" + id),
            null);
      }
      case "BootFromImageWorkflow", "BootFromVolumeWorkflow" ->
          new Step(
              "delete-server " + id,
              "DeleteServerWorkflow",
              "server-delete-" + id,
              true,
              new DeleteServerRequest(id, HV, 5),
              Set.of(RbdRef.serverDisk(id).toString(), "domain:" + id),
              null);
      default ->
          new Step(
              "delete-volume " + id,
              "DeleteVolumeWorkflow",
              "volume-delete-" + id,
              true,
              new DeleteVolumeRequest(id, false),
              Set.of("volumes/volume-" + id),
              null);
    };
  }

  /**
   * @param cancelOneIn one create in n is canceled in a step (n > 0), or terminated (n < 0); 0:
   *     none
   */
  private void runSequence(long seed, int cancelOneIn) {
    Random r = new Random(seed);
    List<String> images = ids(2);
    List<String> volumes = ids(2);
    List<String> snapshots = ids(2);
    List<String> servers = ids(2);
    Set<String> everDeleted = new HashSet<>();
    List<String> log = new ArrayList<>();
    for (int i = 0; i < STEPS; i++) {
      Step step = next(r, images, volumes, snapshots, servers);
      TreeSet<String> before = ceph.world();
      Map<String, FakeHypervisor.Domain> domainsBefore = new HashMap<>(hv.domains);
      Map<String, String> ownersBefore = owners(before);
      Map<String, State> recordsBefore = recordStates(images, volumes, snapshots, servers);
      // with cancels: one create in cancelOneIn is canceled by the user in one of its first steps,
      // before or after that step's work
      boolean terminate =
          cancelOneIn < 0 && TERMINABLE.containsKey(step.type()) && r.nextInt(-cancelOneIn) == 0;
      boolean cancel =
          terminate || cancelOneIn > 0 && !step.delete() && r.nextInt(cancelOneIn) == 0;
      if (cancel) {
        canceller.arm(
            // half the time in one of its first four normal steps, else in one of its first six
            // steps of either kind
            r.nextBoolean()
                ? new CancelAtStep.Plan(
                    step.workflowId(), 1 + r.nextInt(4), r.nextBoolean(), terminate, true)
                : new CancelAtStep.Plan(
                    step.workflowId(), 1 + r.nextInt(6), r.nextBoolean(), terminate));
      }
      String outcome = run(step);
      boolean fired = canceller.fired();
      boolean uncancellable = canceller.uncancellable();
      boolean local = canceller.local();
      canceller.arm(null);
      if (terminate && fired) {
        // the create is gone without its undo: its delete must clean up what it left, and only that
        Step cleanup = deleteOf(step);
        String cleaned = run(cleanup);
        outcome = "TERMINATED, then " + cleanup.name().split(" ")[0] + " " + cleaned;
        assertThat(cleaned).as(outcome + "; seed " + seed).matches("COMPLETED|FAILED NotFound");
        terminated.merge(TERMINABLE.get(step.type()), 1, Integer::sum);
        step =
            new Step(
                step.name() + " (terminated, then deleted)",
                step.type(),
                step.workflowId(),
                false,
                step.request(),
                Set.of(),
                step.creates());
      }
      if (cancel && fired && !terminate) {
        canceled.merge(
            step.name().split(" ")[0]
                + (uncancellable
                    ? " reached an uncancellable step"
                    : local ? " canceled in a local step" : " canceled in a step"),
            1,
            Integer::sum);
        step =
            new Step(
                step.name() + " (canceled)",
                step.type(),
                step.workflowId(),
                false,
                step.request(),
                step.mayRemove(),
                step.creates());
      }
      log.add(step.name() + " -> " + outcome);
      String where = "seed " + seed + ", steps:\n  " + String.join("\n  ", log);
      TreeSet<String> after = ceph.world();
      boolean ok = outcome.equals("COMPLETED");
      if (ok) succeeded.merge(step.name().split(" ")[0], 1, Integer::sum);
      outcomes.merge(step.name().split(" ")[0] + " " + outcome, 1, Integer::sum);

      TreeSet<String> removed = new TreeSet<>(before);
      removed.removeAll(after);
      for (String gone : removed) {
        boolean allowed = ok && step.mayRemove().stream().anyMatch(gone::startsWith);
        assertThat(allowed).as(gone + " removed; " + where).isTrue();
      }
      for (String server : domainsBefore.keySet()) {
        boolean allowed = ok && step.mayRemove().contains("domain:" + server);
        if (!hv.domains.containsKey(server))
          assertThat(allowed).as("domain " + server + " removed; " + where).isTrue();
      }
      if (!ok) {
        TreeSet<String> added = new TreeSet<>(after);
        added.removeAll(before);
        assertThat(added).as("a step that did not complete left " + added + "; " + where).isEmpty();
        assertThat(hv.domains.keySet())
            .as("domains after a step that did not complete; " + where)
            .isEqualTo(domainsBefore.keySet());
      }
      ownersBefore.forEach(
          (name, owner) -> {
            if (after.contains(name))
              assertThat(ceph.owner(name)).as("owner of " + name + "; " + where).isEqualTo(owner);
          });
      Map<String, State> recordsAfter = recordStates(images, volumes, snapshots, servers);
      recordsBefore.forEach(
          (key, state) -> {
            if (state == State.DELETED)
              assertThat(recordsAfter.get(key))
                  .as(key + " stays deleted; " + where)
                  .isEqualTo(State.DELETED);
          });
      if (step.creates() != null && everDeleted.contains(step.creates())) {
        assertThat(ok)
            .as("a create reused the deleted id " + step.creates() + "; " + where)
            .isFalse();
      }
      recordsAfter.forEach(
          (key, state) -> {
            if (state == State.DELETED) everDeleted.add(key);
          });
      checkRecordsAgreeWithCeph(images, volumes, snapshots, servers, where);
      checkOneServerPerVolume(volumes, where);
    }
  }

  // --- the steps

  private Step next(
      Random r,
      List<String> images,
      List<String> volumes,
      List<String> snapshots,
      List<String> servers) {
    // mostly what exists (so flows get far), sometimes anything (so ids collide and cross)
    String img = r.nextInt(3) == 0 ? pickOrNew(r, images) : pickLive(r, "image", images);
    String vol = pickOrNew(r, volumes);
    String liveVol = pickLive(r, "volume", volumes);
    String vol2 = pickLive(r, "volume", volumes);
    String snap = pickOrNew(r, snapshots);
    String liveSnap = pickLive(r, "snapshot", snapshots);
    ResourceRecord snapRecord = records.readRecord("snapshot", liveSnap);
    if (r.nextInt(4) != 0 && snapRecord != null && snapRecord.madeFrom() != null) {
      snap = liveSnap;
      vol2 = snapRecord.madeFrom().substring("volume:".length());
    }
    String srv = pickOrNew(r, servers);
    String liveSrv = pickLive(r, "server", servers);
    boolean flatten = r.nextInt(3) == 0;
    // weights: creates more often than deletes, so resources live long enough to be used
    int[] weights = {3, 0, 3, 3, 3, 1, 1, 3, 1, 1, 2, 1};
    int pickStep = r.nextInt(java.util.Arrays.stream(weights).sum());
    int kind = 0;
    while (pickStep >= weights[kind]) pickStep -= weights[kind++];
    return switch (kind) {
      case 0, 1 ->
          new Step(
              "upload " + img,
              "UploadImageWorkflow",
              "image-upload-" + img,
              false,
              new UploadImageRequest(img, "n" + r.nextInt(2), "/src/" + r.nextInt(2), "raw", null),
              Set.of(),
              "image:" + img);
      case 2 ->
          new Step(
              "volume-from-image " + vol + " " + img,
              "CreateVolumeFromImageWorkflow",
              "volume-create-" + vol,
              false,
              new CreateVolumeFromImageRequest(vol, img, 0),
              Set.of(),
              "volume:" + vol);
      case 3 ->
          new Step(
              "snapshot " + snap + " of " + liveVol,
              "CreateVolumeSnapshotWorkflow",
              "volume-snapshot-" + snap,
              false,
              new CreateVolumeSnapshotRequest(liveVol, snap),
              Set.of(),
              "snapshot:" + snap);
      case 4 ->
          new Step(
              "volume-from-snapshot " + vol + " " + vol2 + "@" + snap,
              "VolumeFromSnapshotWorkflow",
              "volume-create-" + vol,
              false,
              new VolumeFromSnapshotRequest(vol, vol2, snap, 0, null, 0),
              Set.of(),
              "volume:" + vol);
      case 5 ->
          new Step(
              "boot-from-image " + srv + " " + img,
              "BootFromImageWorkflow",
              "server-boot-" + srv,
              false,
              new BootFromImageRequest(srv, HV, img, 0, 0, 0, false),
              Set.of(),
              "server:" + srv);
      case 6 ->
          new Step(
              "boot-from-volume " + srv + " " + liveVol,
              "BootFromVolumeWorkflow",
              "server-boot-" + srv,
              false,
              new BootFromVolumeRequest(srv, HV, liveVol, 0, 0),
              Set.of(),
              "server:" + srv);
      case 7 ->
          new Step(
              "boot-from-volume-snapshot " + srv + " " + vol2 + "@" + snap + " new " + vol,
              "BootFromVolumeSnapshotWorkflow",
              "server-boot-" + srv,
              false,
              new BootFromVolumeSnapshotRequest(srv, HV, vol2, snap, vol, 0, 0, 0),
              Set.of(),
              "server:" + srv);
      case 8 -> {
        String target = r.nextBoolean() ? pickOrNew(r, images) : img; // new ids too: most are taken
        yield new Step(
            "image-from-server " + target + " " + liveSrv,
            "CreateImageFromServerWorkflow",
            "image-from-server-" + target,
            false,
            new CreateImageFromServerRequest(liveSrv, HV, target, "snap-of-" + liveSrv),
            Set.of(),
            "image:" + target);
      }
      case 9 ->
          new Step(
              "delete-image " + img,
              "DeleteImageWorkflow",
              "image-delete-" + img,
              true,
              new DeleteImageRequest(img, flatten),
              Set.of("images/" + img),
              null);
      case 10 ->
          r.nextBoolean()
              ? new Step(
                  "delete-volume " + liveVol,
                  "DeleteVolumeWorkflow",
                  "volume-delete-" + liveVol,
                  true,
                  new DeleteVolumeRequest(liveVol, flatten),
                  Set.of("volumes/volume-" + liveVol),
                  null)
              : new Step(
                  "delete-snapshot " + vol2 + "@" + snap,
                  "DeleteVolumeSnapshotWorkflow",
                  "volume-snapshot-delete-" + snap,
                  true,
                  new DeleteVolumeSnapshotRequest(vol2, snap, flatten),
                  Set.of("volumes/volume-" + vol2 + "@snapshot-" + snap),
                  null);
      default ->
          new Step(
              "delete-server " + liveSrv,
              "DeleteServerWorkflow",
              "server-delete-" + liveSrv,
              true,
              new DeleteServerRequest(liveSrv, HV, 5),
              Set.of(RbdRef.serverDisk(liveSrv).toString(), "domain:" + liveSrv),
              null);
    };
  }

  /**
   * Starts the step as the client does (creates: the id once; deletes: again after they end) and
   * waits.
   */
  private static String run(Step s) {
    WorkflowOptions options =
        WorkflowOptions.newBuilder()
            .setWorkflowId(s.workflowId())
            .setTaskQueue(WorkflowTestBed.QUEUE)
            .setWorkflowIdReusePolicy(
                s.delete()
                    ? WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE
                    : WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE)
            .setWorkflowIdConflictPolicy(
                WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING)
            .build();
    WorkflowStub stub = env.getWorkflowClient().newUntypedWorkflowStub(s.type(), options);
    try {
      stub.start(s.request());
    } catch (WorkflowExecutionAlreadyStarted e) {
      return "ATTACHED (ended before)";
    }
    try {
      stub.getResult(120, java.util.concurrent.TimeUnit.SECONDS, Object.class);
      if (s.request() instanceof CreateImageFromServerRequest c)
        awaitBackgroundFlatten(c.imageId());
      return "COMPLETED";
    } catch (WorkflowFailedException e) {
      if (EXPLAIN != null && s.name().startsWith(EXPLAIN)) {
        System.out.println("explain " + s.name() + ": " + WorkflowTestBed.failureMessage(e));
      }
      return "FAILED " + WorkflowTestBed.failureType(e);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError(
          "step never ended: " + s.name() + " " + s.workflowId() + "\n" + history(s.workflowId()),
          e);
    }
  }

  /**
   * The flatten an image from a server hands to the flatten manager removes the server's temporary
   * snapshot when it ends: part of the step that started it, so the next step's before/after
   * comparison sees only its own work.
   */
  private static void awaitBackgroundFlatten(String imageId)
      throws java.util.concurrent.TimeoutException {
    try {
      env.getWorkflowClient()
          .newUntypedWorkflowStub(FlattenWorkflow.workflowId(RbdRef.image(imageId)))
          .getResult(120, java.util.concurrent.TimeUnit.SECONDS, Object.class);
    } catch (WorkflowFailedException e) {
      // a failed flatten leaves the image a clone and the snapshot in place: nothing removed
    }
  }

  private static String history(String workflowId) {
    StringBuilder b = new StringBuilder();
    env.getWorkflowClient()
        .fetchHistory(workflowId)
        .getHistory()
        .getEventsList()
        .forEach(
            e -> {
              b.append("  ")
                  .append(e.getEventId())
                  .append(' ')
                  .append(e.getEventType())
                  .append('\n');
              if (e.hasWorkflowTaskFailedEventAttributes()) {
                for (var f = e.getWorkflowTaskFailedEventAttributes().getFailure();
                    f != null;
                    f = f.hasCause() ? f.getCause() : null) {
                  b.append("    ")
                      .append(f.getMessage())
                      .append('\n')
                      .append(f.getStackTrace())
                      .append('\n');
                }
              }
            });
    return b.toString();
  }

  // --- the rules

  private static void checkRecordsAgreeWithCeph(
      List<String> images,
      List<String> volumes,
      List<String> snapshots,
      List<String> servers,
      String where) {
    for (String id : images) agree("image", id, ceph.images.containsKey("images/" + id), where);
    for (String id : volumes)
      agree("volume", id, ceph.images.containsKey("volumes/volume-" + id), where);
    for (String id : servers) {
      boolean exists =
          hv.domains.containsKey(id) || ceph.images.containsKey(RbdRef.serverDisk(id).toString());
      agree("server", id, exists, where);
    }
    for (String id : snapshots) {
      ResourceRecord r = records.readRecord("snapshot", id);
      boolean exists = ceph.world().stream().anyMatch(n -> n.endsWith("@snapshot-" + id));
      agree("snapshot", id, exists, where);
      if (exists && r != null && r.madeFrom() != null) {
        String vol = r.madeFrom().substring("volume:".length());
        assertThat(ceph.world())
            .as("snapshot " + id + " is on its own volume; " + where)
            .contains("volumes/volume-" + vol + "@snapshot-" + id);
      }
    }
  }

  private static void agree(String kind, String id, boolean exists, String where) {
    ResourceRecord r = records.readRecord(kind, id);
    boolean live = r != null && (r.state() == State.AVAILABLE || r.state() == State.IN_USE);
    assertThat(exists)
        .as(
            kind
                + ":"
                + id
                + " exists in Ceph/libvirt iff its record is live ("
                + r
                + "); "
                + where)
        .isEqualTo(live);
  }

  private static void checkOneServerPerVolume(List<String> volumes, String where) {
    for (String v : volumes) {
      RbdRef ref = RbdRef.volume(v);
      List<String> users =
          hv.domains.entrySet().stream()
              .filter(e -> e.getValue().disks().contains(ref))
              .map(Map.Entry::getKey)
              .toList();
      assertThat(users).as("servers on volume " + v + "; " + where).hasSizeLessThanOrEqualTo(1);
      ResourceRecord r = records.readRecord("volume", v);
      if (!users.isEmpty()) {
        assertThat(r).as("record of volume " + v + " used by " + users + "; " + where).isNotNull();
        assertThat(r.usedBy())
            .as("volume " + v + " in use; " + where)
            .isEqualTo("server:" + users.get(0));
      }
    }
  }

  private static Map<String, String> owners(Set<String> world) {
    Map<String, String> out = new HashMap<>();
    for (String name : world) if (!name.contains("@")) out.put(name, ceph.owner(name));
    return out;
  }

  private static Map<String, State> recordStates(
      List<String> images, List<String> volumes, List<String> snapshots, List<String> servers) {
    Map<String, State> out = new HashMap<>();
    Map<String, List<String>> kinds =
        Map.of("image", images, "volume", volumes, "snapshot", snapshots, "server", servers);
    kinds.forEach(
        (kind, ids) ->
            ids.forEach(
                id -> {
                  ResourceRecord r = records.readRecord(kind, id);
                  if (r != null) out.put(kind + ":" + id, r.state());
                }));
    return out;
  }

  /** Three times in four an id whose record is live, when there is one; else any. */
  private static String pickLive(Random r, String kind, List<String> ids) {
    List<String> live =
        ids.stream()
            .filter(
                id -> {
                  ResourceRecord rec = records.readRecord(kind, id);
                  return rec != null
                      && (rec.state() == State.AVAILABLE || rec.state() == State.IN_USE);
                })
            .toList();
    return !live.isEmpty() && r.nextInt(4) != 0 ? pick(r, live) : pick(r, ids);
  }

  /** Raw sources only: a 1 MiB source that streams into the image (the bytes are not modelled). */
  static final class RawSources implements ImportActivities {
    @Override
    public SourceInfo probeSource(String source, String diskFormat) {
      return new SourceInfo(1 << 20, "raw");
    }

    @Override
    public WriteResult writeFromSource(WriteRequest request) {
      return new WriteResult(1 << 20, 1 << 20, "00", null);
    }

    @Override
    public String hostQueue() {
      return WorkflowTestBed.QUEUE;
    }

    @Override
    public StagedSource stageSource(StageRequest request) {
      throw new UnsupportedOperationException("raw sources only");
    }

    @Override
    public VettedSource vetStaged(String scratchKey, String diskFormat) {
      throw new UnsupportedOperationException("raw sources only");
    }

    @Override
    public WriteResult writeStaged(String scratchKey, RbdRef target) {
      throw new UnsupportedOperationException("raw sources only");
    }

    @Override
    public WriteResult convertStaged(
        String scratchKey, String diskFormat, RbdRef target, boolean skipSha256) {
      throw new UnsupportedOperationException("raw sources only");
    }

    @Override
    public void removeStaged(String scratchKey) {}
  }
}
