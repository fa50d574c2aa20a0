package io.cephflow.workflows.server;

import static io.cephflow.workflows.testing.WorkflowTestBed.bad;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.ArgumentMatchers.anyMap;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import io.cephflow.workflows.common.Failures;
import io.cephflow.workflows.common.Provenance;
import io.cephflow.workflows.common.RbdRef;
import io.cephflow.workflows.common.SnapRef;
import io.cephflow.workflows.hypervisor.HypervisorActivities;
import io.cephflow.workflows.storage.StorageActivities;
import io.cephflow.workflows.storage.StorageActivities.ImageStat;
import io.cephflow.workflows.testing.UndoCheck;
import io.cephflow.workflows.testing.WorkflowTestBed;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.CanceledFailure;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mockito.ArgumentCaptor;
import org.mockito.InOrder;

class CreateImageFromServerWorkflowTest {
  static final String SERVER = "5d0c2c1e-0e55-4b8f-9a3c-1f7a1c1f0a01";
  static final String IMAGE = "9a0e1c55-3b7d-4e7c-8d1a-2b3c4d5e6f70";
  static final String OWNER = CreateImageFromServerWorkflow.workflowId(IMAGE);
  static final RbdRef DISK = RbdRef.serverDisk(SERVER);
  static final SnapRef TEMP = new SnapRef(DISK, "cephflow-image-" + IMAGE);
  static final RbdRef NEW = RbdRef.image(IMAGE);
  static final SnapRef NEW_SNAP = SnapRef.imageSnap(IMAGE);
  static final long SIZE = 1 << 20;

  final StorageActivities storage =
      mock(StorageActivities.class, withSettings().withoutAnnotations());
  final HypervisorActivities hv =
      mock(HypervisorActivities.class, withSettings().withoutAnnotations());
  final WorkflowTestBed bed =
      WorkflowTestBed.withHypervisor(List.of(CreateImageFromServerWorkflowImpl.class), hv, storage);

  @AfterEach
  void close() {
    bed.close();
  }

  @org.junit.jupiter.api.BeforeEach
  void theHostSnapshotsWhilePaused() {
    io.cephflow.workflows.testing.HostSnapshots.asTheHostDoes(hv, storage);
  }

  void serverWithDisk() {
    when(storage.statImage(DISK))
        .thenReturn(new ImageStat(true, SIZE, SnapRef.imageSnap("x"), 1, Map.of()));
    when(hv.suspendDomain(SERVER)).thenReturn(true);
    when(hv.resumeDomain(SERVER)).thenReturn(true);
  }

  CreateImageFromServerResult run() {
    return bed.start(CreateImageFromServerWorkflow.class, OWNER)
        .createImage(
            new CreateImageFromServerRequest(SERVER, WorkflowTestBed.HOST, IMAGE, "backup"));
  }

  @Test
  void pausesOnlyForTheSnapshotThenClonesFlattensAndCleansUp() {
    serverWithDisk();
    assertThat(run())
        .isEqualTo(new CreateImageFromServerResult(IMAGE, "images", IMAGE, "snap", SIZE));
    InOrder order = inOrder(storage, hv);
    order.verify(hv).suspendDomain(SERVER);
    order.verify(storage).createSnapshot(TEMP);
    order.verify(hv).resumeDomain(SERVER);
    order.verify(storage).protectSnapshot(TEMP);
    // pause, snapshot and resume are one step on the host (change snapshot-on-host)
    verify(hv).snapshotWhilePaused(SERVER, TEMP);
    order.verify(storage).cloneImage(TEMP, NEW, bed.operation(OWNER));
    order.verify(storage).createSnapshot(NEW_SNAP);
    order.verify(storage).protectSnapshot(NEW_SNAP);
    @SuppressWarnings("unchecked")
    ArgumentCaptor<Map<String, String>> meta = ArgumentCaptor.forClass(Map.class);
    order.verify(storage).replaceProvenance(eq(NEW), meta.capture(), eq(List.of()));
    // then, in the background, the flatten manager: flatten, and the temporary snapshot goes
    backgroundFlatten().getResult(io.cephflow.workflows.flatten.FlattenResult.class);
    order.verify(storage).flattenImage(NEW);
    order.verify(storage).unprotectSnapshot(TEMP);
    order.verify(storage).removeSnapshot(TEMP);
    assertThat(meta.getValue())
        .containsEntry(Provenance.FORMAT, "raw")
        .containsEntry(Provenance.VIRTUAL_SIZE, Long.toString(SIZE))
        .containsEntry(Provenance.NAME, "backup");
    verify(storage, never()).removeImage(any(), any());
    bed.recordHistory(OWNER, "create-image-from-server");
  }

  @Test
  void aServerWithoutADiskIsNotFoundAndNeverPaused() {
    when(storage.statImage(DISK)).thenReturn(new ImageStat(false, 0, null, 0, Map.of()));
    assertThatThrownBy(this::run)
        .satisfies(e -> assertThat(WorkflowTestBed.failureType(e)).isEqualTo(Failures.NOT_FOUND));
    verifyNoInteractions(hv);
  }

  enum Step {
    SUSPEND(
        t -> when(t.hv.suspendDomain(anyString())).thenThrow(bad(Failures.CONFLICT)), "removeTemp"),
    SNAP(t -> doThrow(bad(Failures.NO_SPACE)).when(t.storage).createSnapshot(TEMP), "removeTemp"),
    RESUME(
        t -> when(t.hv.resumeDomain(anyString())).thenThrow(bad(Failures.HYPERVISOR)),
        "removeTemp"),
    PROTECT(
        t -> doThrow(bad(Failures.PERMISSION_DENIED)).when(t.storage).protectSnapshot(TEMP),
        "unprotectTemp",
        "removeTemp"),
    CLONE(
        t -> doThrow(bad(Failures.CONFLICT)).when(t.storage).cloneImage(any(), any(), any()),
        "removeImage",
        "unprotectTemp",
        "removeTemp"),
    NEW_SNAPSHOT(
        t -> doThrow(bad(Failures.NO_SPACE)).when(t.storage).createSnapshot(NEW_SNAP),
        "removeNewSnap",
        "removeImage",
        "unprotectTemp",
        "removeTemp"),
    NEW_PROTECT(
        t -> doThrow(bad(Failures.PERMISSION_DENIED)).when(t.storage).protectSnapshot(NEW_SNAP),
        "unprotectNewSnap",
        "removeNewSnap",
        "removeImage",
        "unprotectTemp",
        "removeTemp"),
    METADATA(
        t ->
            doThrow(bad(Failures.PERMISSION_DENIED))
                .when(t.storage)
                .replaceProvenance(any(), anyMap(), anyList()),
        "unprotectNewSnap",
        "removeNewSnap",
        "removeImage",
        "unprotectTemp",
        "removeTemp");

    final Consumer<CreateImageFromServerWorkflowTest> inject;
    final List<String> undos;

    Step(Consumer<CreateImageFromServerWorkflowTest> inject, String... undos) {
      this.inject = inject;
      this.undos = List.of(undos);
    }
  }

  @ParameterizedTest
  @EnumSource(Step.class)
  void aFailureAtEachStepUndoesInReverseOrderAndTheVmIsResumed(Step step) {
    serverWithDisk();
    step.inject.accept(this);
    assertThatThrownBy(this::run)
        .isInstanceOf(WorkflowFailedException.class)
        .satisfies(
            e ->
                assertThat(WorkflowTestBed.failureType(e))
                    .isEqualTo(WorkflowTestBed.injectedType(e)));
    InOrder paused = inOrder(hv);
    paused.verify(hv).suspendDomain(SERVER);
    // a failure inside the host's step: resumed by the step, and again by the flow (in case the
    // step was lost with the guest paused); a later failure: resumed once, by the step
    int resumes = step.ordinal() <= Step.RESUME.ordinal() ? 2 : 1;
    paused.verify(hv, org.mockito.Mockito.times(resumes)).resumeDomain(SERVER);
    verifyUndos(step.undos);
  }

  @Test
  void cancelledWhileTheVmIsPausedStillSnapshotsResumesAndThenUndoes() throws Exception {
    serverWithDisk();
    CountDownLatch pausing = new CountDownLatch(1);
    when(hv.suspendDomain(SERVER))
        .thenAnswer(
            inv -> {
              pausing.countDown();
              Thread.sleep(1000);
              return true;
            });
    CreateImageFromServerWorkflow wf = bed.start(CreateImageFromServerWorkflow.class, OWNER);
    WorkflowClient.start(
        wf::createImage,
        new CreateImageFromServerRequest(SERVER, WorkflowTestBed.HOST, IMAGE, "b"));
    assertThat(pausing.await(10, TimeUnit.SECONDS)).isTrue();
    WorkflowStub.fromTyped(wf).cancel();
    assertThatThrownBy(
            () -> WorkflowStub.fromTyped(wf).getResult(CreateImageFromServerResult.class))
        .isInstanceOf(WorkflowFailedException.class)
        .hasCauseInstanceOf(CanceledFailure.class);
    InOrder order = inOrder(storage, hv);
    order.verify(hv).suspendDomain(SERVER);
    order.verify(storage).createSnapshot(TEMP);
    order.verify(hv).resumeDomain(SERVER);
    order.verify(storage).removeSnapshot(TEMP);
    // the clone makes an image: a normal step (common.Steps), which the cancel stops before it
    verify(storage, never()).cloneImage(any(), any(), any());
  }

  /**
   * The flatten runs in the background (change flatten-manager): when it fails, the image made from
   * the server stays usable (a clone), nothing is undone, and the temporary snapshot stays under it
   * for a later flatten (a delete of the server or of the image starts one).
   */
  @Test
  void aFailedBackgroundFlattenLeavesTheImageUsableAndItsSnapshotInPlace() {
    serverWithDisk();
    doThrow(bad(Failures.NO_SPACE)).when(storage).flattenImage(NEW);
    assertThat(run().imageId()).isEqualTo(IMAGE);
    assertThatThrownBy(
            () -> backgroundFlatten().getResult(io.cephflow.workflows.flatten.FlattenResult.class))
        .satisfies(e -> assertThat(WorkflowTestBed.injectedType(e)).isEqualTo(Failures.NO_SPACE));
    verify(storage, never()).removeImage(any(), any());
    verify(storage, never()).removeSnapshot(TEMP);
    verify(storage, never()).unprotectSnapshot(TEMP);
  }

  WorkflowStub backgroundFlatten() {
    return bed.env()
        .getWorkflowClient()
        .newUntypedWorkflowStub(io.cephflow.workflows.flatten.FlattenWorkflow.workflowId(NEW));
  }

  void verifyUndos(List<String> undos) {
    new UndoCheck(storage)
        .undo(
            "unprotectNewSnap",
            o -> o.verify(storage).unprotectSnapshot(NEW_SNAP),
            () -> verify(storage, never()).unprotectSnapshot(NEW_SNAP))
        .undo(
            "removeNewSnap",
            o -> o.verify(storage).removeSnapshot(NEW_SNAP),
            () -> verify(storage, never()).removeSnapshot(NEW_SNAP))
        .undo(
            "removeImage",
            o -> o.verify(storage).removeImage(NEW, bed.operation(OWNER)),
            () -> verify(storage, never()).removeImage(any(), any()))
        .undo(
            "unprotectTemp",
            o -> o.verify(storage).unprotectSnapshot(TEMP),
            () -> verify(storage, never()).unprotectSnapshot(TEMP))
        // every failing step here comes after the temporary snapshot was asked for
        .undo("removeTemp", o -> o.verify(storage).removeSnapshot(TEMP), null)
        .verify(undos);
  }
}
