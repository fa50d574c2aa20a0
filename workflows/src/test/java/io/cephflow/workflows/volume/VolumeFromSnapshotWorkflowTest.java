package io.cephflow.workflows.volume;

import static io.cephflow.workflows.testing.WorkflowTestBed.bad;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyMap;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import io.cephflow.workflows.common.Failures;
import io.cephflow.workflows.common.RbdRef;
import io.cephflow.workflows.common.SnapRef;
import io.cephflow.workflows.storage.StorageActivities;
import io.cephflow.workflows.storage.StorageActivities.ImageStat;
import io.cephflow.workflows.storage.StorageActivities.SnapshotStat;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mockito.InOrder;

class VolumeFromSnapshotWorkflowTest {
  static final String VOLUME_ID = "5d0c9a4e-2b7f-4e0a-9d55-0c1f1b2a3c4d";
  static final String SOURCE_ID = "6e1dab5f-3c80-4f1b-8e66-1d202c3b4d5e";
  static final String SNAP_ID = "7f2ebc60-4d91-4a2c-9f77-2e313d4c5e6f";
  static final String OWNER = VolumeFromSnapshotWorkflow.workflowId(VOLUME_ID);
  static final RbdRef VOL = RbdRef.volume(VOLUME_ID);
  static final SnapRef PARENT = SnapRef.volumeSnapshot(SOURCE_ID, SNAP_ID);

  final StorageActivities storage =
      mock(StorageActivities.class, withSettings().withoutAnnotations());
  final WorkflowTestBed bed = new WorkflowTestBed(VolumeFromSnapshotWorkflowImpl.class, storage);

  @BeforeEach
  void cluster() {
    sourceAtDepth(1);
    when(storage.listSnapshots(PARENT.image()))
        .thenReturn(List.of(new SnapshotStat(PARENT.snapshot(), 1000, true)));
    when(storage.statImage(VOL)).thenReturn(new ImageStat(true, 1000, PARENT, 2, Map.of()));
  }

  void sourceAtDepth(int depth) {
    when(storage.statImage(PARENT.image()))
        .thenReturn(new ImageStat(true, 1000, null, depth, Map.of()));
  }

  @AfterEach
  void close() {
    bed.close();
  }

  VolumeFromSnapshotWorkflow stub() {
    return bed.start(VolumeFromSnapshotWorkflow.class, OWNER);
  }

  VolumeResult run(long size, FlattenPolicy policy, int maxDepth) {
    return stub()
        .create(
            new VolumeFromSnapshotRequest(VOLUME_ID, SOURCE_ID, SNAP_ID, size, policy, maxDepth));
  }

  @Test
  void clonesWithoutFlatteningWhenToldNever() {
    VolumeResult r = run(0, FlattenPolicy.NEVER, 0);
    assertThat(r)
        .isEqualTo(
            new VolumeResult(
                VOLUME_ID, "volumes", "volume-" + VOLUME_ID, 1000, PARENT.toString(), 2));
    InOrder order = inOrder(storage);
    order.verify(storage).cloneImage(PARENT, VOL, bed.operation(OWNER));
    order.verify(storage).replaceProvenance(any(), anyMap(), anyList());
    order.verify(storage).statImage(VOL);
    verify(storage, never()).flattenImage(any());
    verify(storage, never()).resizeImage(any(), anyLong(), anyBoolean());
    verify(storage, never()).removeImage(any(), any());
  }

  @Test
  void alwaysFlattensAfterCloning() {
    run(0, FlattenPolicy.ALWAYS, 0);
    InOrder order = inOrder(storage);
    order.verify(storage).cloneImage(PARENT, VOL, bed.operation(OWNER));
    order.verify(storage).flattenImage(VOL);
    bed.recordHistory(OWNER, "volume-from-snapshot-always-flatten");
  }

  @Test
  void depthFlattensOnlyWhenTheNewCloneWouldBeDeeperThanTheMaximum() {
    run(0, null, 0); // depth 2 <= 5 (Cinder's default)
    verify(storage, never()).flattenImage(any());
    run2(FlattenPolicy.DEPTH, 1); // depth 2 > 1
    verify(storage).flattenImage(VOL);
  }

  private void run2(FlattenPolicy policy, int max) {
    bed.records().clear(); // as on a cluster where the first volume never was
    bed.start(VolumeFromSnapshotWorkflow.class, OWNER + "-again")
        .create(new VolumeFromSnapshotRequest(VOLUME_ID, SOURCE_ID, SNAP_ID, 0, policy, max));
  }

  @Test
  void resizesWhenLargerAndRefusesSmallerBeforeCreatingAnything() {
    run(4096, FlattenPolicy.NEVER, 0);
    verify(storage).resizeImage(VOL, 4096, false);
    assertThatThrownBy(() -> run2WithSize(999))
        .satisfies(
            e -> assertThat(WorkflowTestBed.failureType(e)).isEqualTo(Failures.INVALID_REQUEST));
    verify(storage).cloneImage(any(), any(), any()); // only the first run's
  }

  private void run2WithSize(long size) {
    bed.records().clear(); // as on a cluster where the first volume never was
    bed.start(VolumeFromSnapshotWorkflow.class, OWNER + "-small")
        .create(
            new VolumeFromSnapshotRequest(
                VOLUME_ID, SOURCE_ID, SNAP_ID, size, FlattenPolicy.NEVER, 0));
  }

  @Test
  void aMissingSnapshotIsNotFoundAndNothingIsCreated() {
    when(storage.listSnapshots(PARENT.image())).thenReturn(List.of());
    assertThatThrownBy(() -> run(0, FlattenPolicy.NEVER, 0))
        .satisfies(e -> assertThat(WorkflowTestBed.failureType(e)).isEqualTo(Failures.NOT_FOUND));
    verify(storage, never()).cloneImage(any(), any(), any());
    verify(storage, never()).removeImage(any(), any());
  }

  @Test
  void badIdsAreInvalidBeforeAnyActivity() {
    assertThatThrownBy(
            () -> stub().create(new VolumeFromSnapshotRequest("x", SOURCE_ID, SNAP_ID, 0, null, 0)))
        .satisfies(
            e -> assertThat(WorkflowTestBed.failureType(e)).isEqualTo(Failures.INVALID_REQUEST));
    verify(storage, never()).statImage(any());
  }

  enum Step {
    INSPECT(
        t -> when(t.storage.statImage(PARENT.image())).thenThrow(bad(Failures.PERMISSION_DENIED)),
        false),
    LIST(
        t -> when(t.storage.listSnapshots(any())).thenThrow(bad(Failures.PERMISSION_DENIED)),
        false),
    CLONE(
        t -> doThrow(bad(Failures.NO_SPACE)).when(t.storage).cloneImage(any(), any(), any()), true),
    FLATTEN(t -> doThrow(bad(Failures.NO_SPACE)).when(t.storage).flattenImage(any()), true),
    RESIZE(
        t ->
            doThrow(bad(Failures.NO_SPACE))
                .when(t.storage)
                .resizeImage(any(), anyLong(), anyBoolean()),
        true),
    METADATA(
        t ->
            doThrow(bad(Failures.PERMISSION_DENIED))
                .when(t.storage)
                .replaceProvenance(any(), anyMap(), anyList()),
        true),
    RESULT(t -> when(t.storage.statImage(VOL)).thenThrow(bad(Failures.PERMISSION_DENIED)), true);

    final Consumer<VolumeFromSnapshotWorkflowTest> inject;
    final boolean removesVolume;

    Step(Consumer<VolumeFromSnapshotWorkflowTest> inject, boolean removesVolume) {
      this.inject = inject;
      this.removesVolume = removesVolume;
    }
  }

  @ParameterizedTest
  @EnumSource(Step.class)
  void aFailureAtEachStepRemovesTheCloneOnlyIfItWasAttempted(Step step) {
    step.inject.accept(this);
    assertThatThrownBy(() -> run(4096, FlattenPolicy.ALWAYS, 0))
        .isInstanceOf(WorkflowFailedException.class)
        .satisfies(
            e ->
                assertThat(WorkflowTestBed.failureType(e))
                    .isEqualTo(WorkflowTestBed.injectedType(e)));
    if (step.removesVolume) {
      InOrder order = inOrder(storage);
      order.verify(storage).cloneImage(PARENT, VOL, bed.operation(OWNER));
      order.verify(storage).removeImage(VOL, bed.operation(OWNER));
    } else {
      verify(storage, never()).cloneImage(any(), any(), any());
      verify(storage, never()).removeImage(any(), any());
    }
    verify(storage, never()).removeSnapshot(any());
    verify(storage, never()).unprotectSnapshot(any());
  }

  @Test
  void cancellingDuringTheFlattenRemovesTheClone() throws Exception {
    CountDownLatch flattening = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    doAnswer(
            inv -> {
              flattening.countDown();
              release.await(20, TimeUnit.SECONDS);
              return null;
            })
        .when(storage)
        .flattenImage(any());
    VolumeFromSnapshotWorkflow wf = stub();
    WorkflowClient.start(
        wf::create,
        new VolumeFromSnapshotRequest(VOLUME_ID, SOURCE_ID, SNAP_ID, 0, FlattenPolicy.ALWAYS, 0));
    assertThat(flattening.await(20, TimeUnit.SECONDS)).isTrue();
    WorkflowStub.fromTyped(wf).cancel();
    // the flow waits for the running flatten (librbd's cannot be interrupted) before undoing
    Thread.sleep(300);
    verify(storage, never()).removeImage(any(), any());
    release.countDown();
    assertThatThrownBy(() -> WorkflowStub.fromTyped(wf).getResult(VolumeResult.class))
        .isInstanceOf(WorkflowFailedException.class)
        .hasCauseInstanceOf(CanceledFailure.class);
    verify(storage, timeout(5000)).removeImage(VOL, bed.operation(OWNER));
    // the metadata step is local, which a cancel does not stop (common.Steps): made, then removed
    // with the clone
    var order = inOrder(storage);
    order.verify(storage).replaceProvenance(any(), anyMap(), anyList());
    order.verify(storage).removeImage(VOL, bed.operation(OWNER));
  }

  @Test
  void aCancellationWhoseUndoFailsStillEndsCanceledAfterTryingIt() throws Exception {
    CountDownLatch flattening = new CountDownLatch(1);
    doAnswer(
            inv -> {
              flattening.countDown();
              Thread.sleep(500);
              return null;
            })
        .when(storage)
        .flattenImage(any());
    doThrow(bad(Failures.PERMISSION_DENIED)).when(storage).removeImage(any(), any());
    VolumeFromSnapshotWorkflow wf = stub();
    WorkflowClient.start(
        wf::create,
        new VolumeFromSnapshotRequest(VOLUME_ID, SOURCE_ID, SNAP_ID, 0, FlattenPolicy.ALWAYS, 0));
    assertThat(flattening.await(20, TimeUnit.SECONDS)).isTrue();
    WorkflowStub.fromTyped(wf).cancel();
    // Temporal records the execution CANCELED whatever it throws; the failed undo was attempted
    assertThatThrownBy(() -> WorkflowStub.fromTyped(wf).getResult(VolumeResult.class))
        .isInstanceOf(WorkflowFailedException.class)
        .hasCauseInstanceOf(CanceledFailure.class);
    verify(storage, timeout(5000).atLeastOnce()).removeImage(VOL, bed.operation(OWNER));
  }
}
