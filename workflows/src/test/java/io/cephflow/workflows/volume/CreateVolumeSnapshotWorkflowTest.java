package io.cephflow.workflows.volume;

import static io.cephflow.workflows.testing.WorkflowTestBed.bad;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import io.cephflow.workflows.common.Failures;
import io.cephflow.workflows.common.RbdRef;
import io.cephflow.workflows.common.SnapRef;
import io.cephflow.workflows.storage.StorageActivities;
import io.cephflow.workflows.storage.StorageActivities.ImageStat;
import io.cephflow.workflows.storage.StorageActivities.SnapshotStat;
import io.cephflow.workflows.testing.UndoCheck;
import io.cephflow.workflows.testing.WorkflowTestBed;
import io.temporal.client.WorkflowFailedException;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mockito.InOrder;

class CreateVolumeSnapshotWorkflowTest {
  static final String VOLUME_ID = "3c4d5e6f-7081-4c9d-aebf-2a3b4c5d6e7f";
  static final String SNAP_ID = "4d5e6f70-8192-4dae-bfc0-3b4c5d6e7f80";
  static final RbdRef VOL = RbdRef.volume(VOLUME_ID);
  static final SnapRef SNAP = SnapRef.volumeSnapshot(VOLUME_ID, SNAP_ID);

  final StorageActivities storage =
      mock(StorageActivities.class, withSettings().withoutAnnotations());
  final WorkflowTestBed bed = new WorkflowTestBed(CreateVolumeSnapshotWorkflowImpl.class, storage);

  @BeforeEach
  void cluster() {
    when(storage.statImage(VOL)).thenReturn(new ImageStat(true, 1000, null, 0, Map.of()));
    when(storage.listSnapshots(VOL)).thenReturn(List.of());
  }

  @AfterEach
  void close() {
    bed.close();
  }

  VolumeSnapshotResult run() {
    return bed.start(
            CreateVolumeSnapshotWorkflow.class, CreateVolumeSnapshotWorkflow.workflowId(SNAP_ID))
        .snapshot(new CreateVolumeSnapshotRequest(VOLUME_ID, SNAP_ID));
  }

  @Test
  void snapshotsThenProtects() {
    assertThat(run())
        .isEqualTo(
            new VolumeSnapshotResult(
                VOLUME_ID, SNAP_ID, "volumes", "volume-" + VOLUME_ID, "snapshot-" + SNAP_ID, 1000));
    InOrder order = inOrder(storage);
    order.verify(storage).createSnapshot(SNAP);
    order.verify(storage).protectSnapshot(SNAP);
    verify(storage, never()).removeSnapshot(any());
    bed.recordHistory(CreateVolumeSnapshotWorkflow.workflowId(SNAP_ID), "create-volume-snapshot");
  }

  enum Step {
    INSPECT(t -> when(t.storage.statImage(VOL)).thenThrow(bad(Failures.PERMISSION_DENIED))),
    MISSING_VOLUME(
        t -> when(t.storage.statImage(VOL)).thenReturn(new ImageStat(false, 0, null, 0, Map.of()))),
    TAKEN(
        t ->
            when(t.storage.listSnapshots(VOL))
                .thenReturn(List.of(new SnapshotStat(SNAP.snapshot(), 1, true)))),
    SNAPSHOT(
        t -> doThrow(bad(Failures.NO_SPACE)).when(t.storage).createSnapshot(any()),
        "removeSnapshot"),
    PROTECT(
        t -> doThrow(bad(Failures.PERMISSION_DENIED)).when(t.storage).protectSnapshot(any()),
        "unprotectSnapshot",
        "removeSnapshot");

    final Consumer<CreateVolumeSnapshotWorkflowTest> inject;
    final List<String> undos;

    Step(Consumer<CreateVolumeSnapshotWorkflowTest> inject, String... undos) {
      this.inject = inject;
      this.undos = List.of(undos);
    }
  }

  @ParameterizedTest
  @EnumSource(Step.class)
  void aFailureAtEachStepUndoesExactlyWhatWasDoneInReverseOrder(Step step) {
    step.inject.accept(this);
    String expected =
        switch (step) {
          case MISSING_VOLUME -> Failures.NOT_FOUND;
          case TAKEN -> Failures.CONFLICT;
          default -> null;
        };
    assertThatThrownBy(this::run)
        .isInstanceOf(WorkflowFailedException.class)
        .satisfies(
            e ->
                assertThat(WorkflowTestBed.failureType(e))
                    .isEqualTo(expected != null ? expected : WorkflowTestBed.injectedType(e)));
    new UndoCheck(storage)
        .undo(
            "unprotectSnapshot",
            o -> o.verify(storage).unprotectSnapshot(SNAP),
            () -> verify(storage, never()).unprotectSnapshot(any()))
        .undo(
            "removeSnapshot",
            o -> o.verify(storage).removeSnapshot(SNAP),
            () -> verify(storage, never()).removeSnapshot(any()))
        .verify(step.undos);
    if (step.undos.isEmpty()) verify(storage, never()).createSnapshot(any());
  }

  /**
   * An activity that failed with an unmapped exception (a bug) never shows a Java class name as the
   * type.
   */
  @Test
  void anUnmappedFailureEndsAsInternalErrorWithItsMessage() {
    doThrow(
            ApplicationFailure.newNonRetryableFailure(
                "Index 5 out of bounds", "java.lang.IndexOutOfBoundsException"))
        .when(storage)
        .createSnapshot(any());
    assertThatThrownBy(this::run)
        .isInstanceOf(WorkflowFailedException.class)
        .satisfies(
            e -> {
              assertThat(WorkflowTestBed.failureType(e)).isEqualTo(Failures.INTERNAL);
              assertThat(e.getCause().getMessage())
                  .contains("Index 5 out of bounds")
                  .doesNotContain("java.lang");
            });
    verify(storage).removeSnapshot(SNAP);
  }
}
