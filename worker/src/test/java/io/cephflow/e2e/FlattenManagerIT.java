package io.cephflow.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.cephflow.ceph.CephTestCluster;
import io.cephflow.workflows.common.RbdRef;
import io.cephflow.workflows.common.TaskQueues;
import io.cephflow.workflows.flatten.FlattenCoordinatorWorkflow;
import io.cephflow.workflows.flatten.Permits;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Image from server in constant time, on the real stack (REST, worker, Temporal, the dev Ceph
 * cluster and libvirtd): the image is usable (listed available, bootable) while its flatten still
 * waits; the source server is deleted meanwhile (its delete waits for that flatten); the image then
 * has no parent and still boots; nothing is left. The flatten is kept waiting, whatever the disk's
 * size and the machine's speed, by holding the cluster's only flatten slot ({@code
 * cephflow.flatten.max-concurrent=1}) for the coordinator itself: a holder that runs, so the lease
 * check keeps it, until the test gives it back.
 */
class FlattenManagerIT {
  @TempDir static Path dir;
  static CephflowStack stack;
  static String libvirtUri;
  static Path consoleDir;
  static final List<String> ids = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    libvirtUri = ServerIts.requireDevServices();
    Path work = Path.of("target", "flatten-it").toAbsolutePath();
    consoleDir = ServerIts.consoleDir(work);
    List<String> args = new ArrayList<>(ServerIts.hypervisorArgs(work, libvirtUri));
    args.add("--cephflow.flatten.max-concurrent=1");
    stack = new CephflowStack(dir, args.toArray(new String[0]));
  }

  @AfterAll
  static void stop() {
    for (String id : ids) {
      ServerIts.removeDomainQuietly(libvirtUri, id);
      ServerIts.purgeQuietly(new RbdRef("vms", id + "_disk"));
    }
    for (String id : ids) ServerIts.purgeQuietly(new RbdRef("images", id));
    if (stack != null) stack.close();
  }

  @Test
  void anImageFromAServerIsUsableBeforeItsFlattenAndSurvivesTheServersDelete() throws Exception {
    byte[] tag = ServerIts.newTag();
    String bootOk = ServerIts.bootOk(tag);
    String base = newId();
    ServerIts.uploadBootDisk(stack, dir, tag, base);
    String source = newId();
    completed(
        stack.post(
            "/api/v1/servers", "{\"serverId\":\"" + source + "\",\"imageId\":\"" + base + "\"}"));
    ServerIts.awaitConsole(consoleDir, source, bootOk);

    Permits.Holder slot = holdTheOnlyFlattenSlot();
    String image = newId();
    long t0 = System.nanoTime();
    completed(
        stack.post(
            "/api/v1/servers/" + source + "/images",
            "{\"imageId\":\"" + image + "\",\"name\":\"snap-of-vm\"}"));
    System.out.printf(
        "flatten IT: image from server %d ms (flatten not yet run)%n",
        ServerIts.ms(System.nanoTime() - t0));
    String flatten = "/api/v1/operations/flatten-images-" + image;
    String temp = "vms/" + source + "_disk@cephflow-image-" + image;
    // usable at once: a clone of the server's snapshot, listed available, its flatten waiting for a
    // slot
    assertThat(parentOf(image)).isEqualTo(temp);
    assertThat(stack.get("/api/v1/images/" + image).body())
        .containsPattern("(?i)\"state\":\"available\"");
    assertThat(stack.get(flatten).body())
        .contains("\"status\":\"RUNNING\"")
        .contains("wait-for-slot");
    String early = newId();
    completed(
        stack.post(
            "/api/v1/servers", "{\"serverId\":\"" + early + "\",\"imageId\":\"" + image + "\"}"));
    ServerIts.awaitConsole(consoleDir, early, bootOk);
    assertThat(parentOf(image)).as("still not flattened").isEqualTo(temp);

    // the source server goes while the flatten is pending: its delete waits for it
    HttpResponse<String> r =
        stack.delete("/api/v1/servers/" + source + "?shutdownTimeoutSeconds=3");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    String delete = r.headers().firstValue("Location").orElseThrow();
    awaitStep(delete, "flatten-dependents");
    assertThat(CephTestCluster.rbd().images().exists(new RbdRef("vms", source + "_disk"))).isTrue();
    release(slot);
    assertThat(stack.await(delete, Duration.ofMinutes(3)))
        .contains("\"status\":\"COMPLETED\"")
        .contains("\"diskRemoved\":true");
    assertThat(stack.await(flatten, Duration.ofMinutes(1))).contains("\"status\":\"COMPLETED\"");
    assertThat(CephTestCluster.rbd().clones().parent(new RbdRef("images", image))).isEmpty();
    assertThat(CephTestCluster.rbd().images().exists(new RbdRef("vms", source + "_disk")))
        .isFalse();

    // the image, detached, still boots
    String after = newId();
    completed(
        stack.post(
            "/api/v1/servers", "{\"serverId\":\"" + after + "\",\"imageId\":\"" + image + "\"}"));
    ServerIts.awaitConsole(consoleDir, after, bootOk);

    for (String s : List.of(early, after)) {
      completed(stack.delete("/api/v1/servers/" + s + "?shutdownTimeoutSeconds=3"));
    }
    for (String i : List.of(image, base)) completed(stack.delete("/api/v1/images/" + i));
    assertThat(ServerIts.leftovers(ids, libvirtUri)).as("nothing left").isEmpty();
  }

  /** The coordinator holds the only slot for itself: every flatten waits until {@link #release}. */
  private static Permits.Holder holdTheOnlyFlattenSlot() throws InterruptedException {
    WorkflowClient client = stack.worker.getBean(WorkflowClient.class);
    FlattenCoordinatorWorkflow coordinator =
        client.newWorkflowStub(
            FlattenCoordinatorWorkflow.class,
            WorkflowOptions.newBuilder()
                .setTaskQueue(TaskQueues.STORAGE)
                .setWorkflowId(FlattenCoordinatorWorkflow.WORKFLOW_ID)
                .build());
    try {
      WorkflowClient.start(coordinator::coordinate, (Permits.State) null);
    } catch (WorkflowExecutionAlreadyStarted e) {
      // started by an earlier flatten
    }
    WorkflowExecution run =
        client
            .newUntypedWorkflowStub(FlattenCoordinatorWorkflow.WORKFLOW_ID)
            .describe()
            .getExecution();
    Permits.Holder me = new Permits.Holder(run.getWorkflowId(), run.getRunId());
    FlattenCoordinatorWorkflow running =
        client.newWorkflowStub(
            FlattenCoordinatorWorkflow.class, FlattenCoordinatorWorkflow.WORKFLOW_ID);
    running.acquire(me, 1);
    long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!running.state().holders().contains(me)) {
      if (System.nanoTime() > end)
        throw new AssertionError("no slot for the test: " + running.state());
      Thread.sleep(100);
    }
    return me;
  }

  private static void release(Permits.Holder slot) {
    stack
        .worker
        .getBean(WorkflowClient.class)
        .newWorkflowStub(FlattenCoordinatorWorkflow.class, FlattenCoordinatorWorkflow.WORKFLOW_ID)
        .release(slot);
  }

  private static String parentOf(String image) {
    return CephTestCluster.rbd()
        .clones()
        .parent(new RbdRef("images", image))
        .map(Object::toString)
        .orElse(null);
  }

  private static void completed(HttpResponse<String> r) throws InterruptedException {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    String op = r.headers().firstValue("Location").orElseThrow();
    assertThat(stack.await(op, Duration.ofMinutes(3))).contains("\"status\":\"COMPLETED\"");
  }

  private static void awaitStep(String op, String step) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    String body;
    while (!(body = stack.get(op).body()).contains(step)) {
      if (System.nanoTime() > end) throw new AssertionError("never at " + step + ": " + body);
      Thread.sleep(100);
    }
  }

  /**
   * Ids (and so RBD names) that start with this test's own prefix, on a cluster shared with others.
   */
  private static String newId() {
    String id = "f1a77e00" + UUID.randomUUID().toString().substring(8);
    ids.add(id);
    return id;
  }
}
