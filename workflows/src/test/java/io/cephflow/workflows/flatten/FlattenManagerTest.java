package io.cephflow.workflows.flatten;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cephflow.workflows.common.OperationProgress;
import io.cephflow.workflows.common.RbdRef;
import io.cephflow.workflows.common.SnapRef;
import io.cephflow.workflows.image.DeleteImageRequest;
import io.cephflow.workflows.image.DeleteImageWorkflow;
import io.cephflow.workflows.image.DeleteImageWorkflowImpl;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.CanceledFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FlattenManagerTest {
  static final String BASE = "0b6f6c1e-5a1d-4c1e-9d51-0c7f1a2b3c4d";
  final FlattenBed bed = new FlattenBed(null, DeleteImageWorkflowImpl.class);

  @AfterEach
  void close() {
    bed.close();
  }

  List<RbdRef> clonesOfBase(int n) {
    bed.image(BASE);
    List<RbdRef> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      RbdRef c = RbdRef.volume(UUID.nameUUIDFromBytes(("c" + i).getBytes()).toString());
      bed.ceph.cloneImage(SnapRef.imageSnap(BASE), c, "test");
      out.add(c);
    }
    return out;
  }

  FlattenWorkflow flatten(RbdRef ref) {
    return bed.stub(FlattenWorkflow.class, FlattenWorkflow.workflowId(ref));
  }

  static void eventually(BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) throw new AssertionError("condition not reached in 20 s");
      Thread.sleep(20);
    }
  }

  @Test
  void theClusterWideLimitIsNeverExceeded() {
    List<RbdRef> clones = clonesOfBase(6);
    List<FlattenWorkflow> started = new ArrayList<>();
    for (RbdRef c : clones) {
      FlattenWorkflow wf = flatten(c);
      WorkflowClient.start(wf::flatten, new FlattenRequest(c));
      started.add(wf);
    }
    for (int i = 0; i < clones.size(); i++) {
      FlattenResult r = WorkflowStub.fromTyped(started.get(i)).getResult(FlattenResult.class);
      assertThat(r.outcome()).isEqualTo("flattened");
      assertThat(bed.hasParent(clones.get(i))).isFalse();
      assertThat(bed.flattenCalls(clones.get(i))).isEqualTo(1);
    }
    // counted inside the activity: never more than the limit (2 here) at once
    assertThat(bed.maxRunning.get()).isBetween(1, 2);
    assertThat(bed.coordinator().holders()).isEmpty();
    assertThat(bed.coordinator().waiting()).isEmpty();
    bed.recordHistory(FlattenWorkflow.workflowId(clones.get(0)), "flatten");
    bed.recordHistory(FlattenCoordinatorWorkflow.WORKFLOW_ID, "flatten-coordinator");
  }

  @Test
  void aCanceledFlattenStopsLeavesAValidCloneAndFreesItsSlot() throws InterruptedException {
    FlattenSettings.install(new FlattenSettings(1, java.util.Map.of()));
    List<RbdRef> clones = clonesOfBase(2);
    RbdRef first = clones.get(0), second = clones.get(1);
    bed.held.add(first.toString());
    FlattenWorkflow a = flatten(first);
    WorkflowClient.start(a::flatten, new FlattenRequest(first));
    eventually(() -> bed.running.get() == 1);
    FlattenWorkflow b = flatten(second);
    WorkflowClient.start(b::flatten, new FlattenRequest(second));
    eventually(() -> bed.coordinator().waiting().size() == 1);
    assertThat(b.progress().step()).isEqualTo("wait-for-slot");
    assertThat(a.progress().step()).isEqualTo("flatten");

    WorkflowStub.fromTyped(a).cancel();
    assertThatThrownBy(() -> WorkflowStub.fromTyped(a).getResult(FlattenResult.class))
        .isInstanceOf(WorkflowFailedException.class)
        .hasCauseInstanceOf(CanceledFailure.class);
    // the slot went to the one waiting; the canceled image is still a whole clone of its parent
    assertThat(WorkflowStub.fromTyped(b).getResult(FlattenResult.class).outcome())
        .isEqualTo("flattened");
    assertThat(bed.hasParent(first)).isTrue();
    assertThat(bed.hasParent(second)).isFalse();
    assertThat(bed.coordinator().holders()).isEmpty();
    assertThat(bed.maxRunning.get()).isEqualTo(1);
  }

  @Test
  void aFlattenOfAnImageThatWentAwayEndsGone() {
    RbdRef missing = RbdRef.volume(UUID.randomUUID().toString());
    assertThat(flatten(missing).flatten(new FlattenRequest(missing)).outcome()).isEqualTo("gone");
  }

  @Test
  void aDeleteWithFlattenDependentsJoinsTheRunningFlattenAndFlattensEachCloneOnce()
      throws InterruptedException {
    List<RbdRef> clones = clonesOfBase(3);
    RbdRef busy = clones.get(0);
    bed.held.add(busy.toString());
    FlattenWorkflow running = flatten(busy);
    WorkflowClient.start(running::flatten, new FlattenRequest(busy));
    eventually(() -> bed.running.get() == 1);

    DeleteImageWorkflow delete =
        bed.stub(DeleteImageWorkflow.class, DeleteImageWorkflow.workflowId(BASE));
    var result = WorkflowClient.execute(delete::delete, new DeleteImageRequest(BASE, true));
    // the two others are flattened through the manager; the image stays while one is pending
    eventually(() -> !bed.hasParent(clones.get(1)) && !bed.hasParent(clones.get(2)));
    Thread.sleep(300);
    // the delete's own progress: bytes are the flattens' own (their operations show them)
    assertThat(delete.progress()).isEqualTo(new OperationProgress("flatten-dependents", 0, -1));
    assertThat(result.isDone()).isFalse();
    assertThat(bed.world()).contains("images/" + BASE);

    bed.held.clear();
    assertThat(result.join().existed()).isTrue();
    assertThat(bed.world()).doesNotContain("images/" + BASE, "images/" + BASE + "@snap");
    for (RbdRef c : clones) {
      assertThat(bed.hasParent(c)).isFalse();
      assertThat(bed.flattenCalls(c)).as("flattens of " + c).isEqualTo(1);
    }
    bed.recordHistory(DeleteImageWorkflow.workflowId(BASE), "delete-image-flatten-manager");
  }
}
