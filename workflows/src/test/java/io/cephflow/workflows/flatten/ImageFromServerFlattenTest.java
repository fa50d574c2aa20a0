package io.cephflow.workflows.flatten;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import io.cephflow.workflows.common.RbdRef;
import io.cephflow.workflows.common.ResourceRecord.State;
import io.cephflow.workflows.common.SnapRef;
import io.cephflow.workflows.hypervisor.HypervisorActivities;
import io.cephflow.workflows.image.DeleteImageRequest;
import io.cephflow.workflows.image.DeleteImageWorkflow;
import io.cephflow.workflows.image.DeleteImageWorkflowImpl;
import io.cephflow.workflows.server.CreateImageFromServerRequest;
import io.cephflow.workflows.server.CreateImageFromServerWorkflow;
import io.cephflow.workflows.server.CreateImageFromServerWorkflowImpl;
import io.cephflow.workflows.server.DeleteServerRequest;
import io.cephflow.workflows.server.DeleteServerWorkflow;
import io.cephflow.workflows.server.DeleteServerWorkflowImpl;
import io.temporal.client.WorkflowClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Image from server in constant time: usable once cloned, flattened by the manager, the server
 * deletable meanwhile.
 */
class ImageFromServerFlattenTest {
  static final String BASE = "0b6f6c1e-5a1d-4c1e-9d51-0c7f1a2b3c4d";
  static final String SERVER = "5d0c2c1e-0e55-4b8f-9a3c-1f7a1c1f0a01";
  static final String IMAGE = "9a0e1c55-3b7d-4e7c-8d1a-2b3c4d5e6f70";
  static final String BOOT = "server-boot-" + SERVER + "@run";
  static final RbdRef DISK = RbdRef.serverDisk(SERVER);
  static final RbdRef NEW = RbdRef.image(IMAGE);
  static final SnapRef TEMP = CreateImageFromServerWorkflowImpl.tempSnapshot(SERVER, IMAGE);

  final HypervisorActivities hv =
      mock(HypervisorActivities.class, withSettings().withoutAnnotations());
  final FlattenBed bed =
      new FlattenBed(
          hv,
          CreateImageFromServerWorkflowImpl.class,
          DeleteServerWorkflowImpl.class,
          DeleteImageWorkflowImpl.class);

  @AfterEach
  void close() {
    bed.close();
  }

  void runningServer() {
    bed.image(BASE);
    bed.ceph.cloneImage(SnapRef.imageSnap(BASE), DISK, BOOT);
    bed.records.put("server", SERVER, State.AVAILABLE, BOOT, "image:" + BASE, null);
    when(hv.suspendDomain(SERVER)).thenReturn(true);
    when(hv.resumeDomain(SERVER)).thenReturn(true);
    io.cephflow.workflows.testing.HostSnapshots.asTheHostDoes(hv, bed.ceph);
  }

  void imageFromServer() throws InterruptedException {
    var r =
        bed.stub(
                CreateImageFromServerWorkflow.class,
                CreateImageFromServerWorkflow.workflowId(IMAGE))
            .createImage(
                new CreateImageFromServerRequest(SERVER, FlattenBed.HOST, IMAGE, "backup"));
    assertThat(r.snapshot()).isEqualTo("snap");
    // returned before its flatten: a clone of the server's snapshot, with its own protected snap,
    // available
    assertThat(bed.ceph.statImage(NEW).parent()).isEqualTo(TEMP);
    assertThat(bed.ceph.listSnapshots(NEW))
        .singleElement()
        .satisfies(s -> assertThat(s.isProtected()).isTrue());
    assertThat(bed.records.get("image", IMAGE).state()).isEqualTo(State.AVAILABLE);
    FlattenManagerTest.eventually(() -> bed.running.get() == 1);
  }

  @Test
  void theServerIsDeletedWhileTheImagesFlattenIsPendingAndTheImageIsNeverBroken()
      throws InterruptedException {
    runningServer();
    bed.held.add(NEW.toString());
    imageFromServer();

    DeleteServerWorkflow delete =
        bed.stub(DeleteServerWorkflow.class, DeleteServerWorkflow.workflowId(SERVER));
    var deleted =
        WorkflowClient.execute(delete::delete, new DeleteServerRequest(SERVER, FlattenBed.HOST, 1));
    FlattenManagerTest.eventually(() -> delete.progress().step().equals("flatten-dependents"));
    Thread.sleep(300);
    // waits for the flatten: the disk and its snapshot stay under the image meanwhile
    assertThat(deleted.isDone()).isFalse();
    assertThat(bed.world()).contains(DISK.toString(), TEMP.toString());

    bed.held.clear();
    deleted.join();
    assertThat(bed.hasParent(NEW)).isFalse();
    assertThat(bed.flattenCalls(NEW)).isEqualTo(1);
    assertThat(bed.world())
        .containsExactlyInAnyOrder(
            "images/" + BASE, "images/" + BASE + "@snap", NEW.toString(), NEW + "@snap");
    assertThat(bed.records.get("server", SERVER).state()).isEqualTo(State.DELETED);
    bed.recordHistory(
        CreateImageFromServerWorkflow.workflowId(IMAGE),
        "create-image-from-server-background-flatten");
    bed.recordHistory(DeleteServerWorkflow.workflowId(SERVER), "delete-server-pending-flatten");
  }

  @Test
  void theBackgroundFlattenRemovesTheServersSnapshotWhenItEnds() throws InterruptedException {
    runningServer();
    imageFromServer();
    var flatten =
        bed.env().getWorkflowClient().newUntypedWorkflowStub(FlattenWorkflow.workflowId(NEW));
    FlattenResult r = flatten.getResult(FlattenResult.class);
    assertThat(r.outcome()).isEqualTo("flattened");
    assertThat(r.removedSnapshot()).isEqualTo(TEMP.toString());
    assertThat(bed.world())
        .doesNotContain(TEMP.toString())
        .contains(DISK.toString(), NEW.toString(), NEW + "@snap");
  }

  @Test
  void deletingTheImageWhileItsFlattenIsPendingWaitsAndLeavesNothingOnTheServer()
      throws InterruptedException {
    runningServer();
    bed.held.add(NEW.toString());
    imageFromServer();
    DeleteImageWorkflow delete =
        bed.stub(DeleteImageWorkflow.class, DeleteImageWorkflow.workflowId(IMAGE));
    var deleted = WorkflowClient.execute(delete::delete, new DeleteImageRequest(IMAGE, false));
    Thread.sleep(300);
    assertThat(deleted.isDone()).isFalse();
    bed.held.clear();
    assertThat(deleted.join().existed()).isTrue();
    assertThat(bed.world())
        .containsExactlyInAnyOrder("images/" + BASE, "images/" + BASE + "@snap", DISK.toString());
  }
}
