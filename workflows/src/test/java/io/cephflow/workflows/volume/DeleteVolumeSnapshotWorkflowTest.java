package io.cephflow.workflows.volume;

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

import io.cephflow.workflows.common.DeleteResult;
import io.cephflow.workflows.common.Failures;
import io.cephflow.workflows.common.RbdRef;
import io.cephflow.workflows.common.SnapRef;
import io.cephflow.workflows.storage.StorageActivities;
import io.cephflow.workflows.storage.StorageActivities.SnapshotStat;
import io.cephflow.workflows.testing.WorkflowTestBed;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;

class DeleteVolumeSnapshotWorkflowTest {
  static final String VOLUME_ID = "0c1d2e3f-4051-4c7d-8e9f-a0b1c2d3e4f5";
  static final String SNAP_ID = "1d2e3f40-5162-4d8e-9fa0-b1c2d3e4f506";
  static final SnapRef SNAP = SnapRef.volumeSnapshot(VOLUME_ID, SNAP_ID);
  static final RbdRef CLONE = RbdRef.volume("2e3f4051-6273-4e9f-a0b1-c2d3e4f50617");

  final StorageActivities storage =
      mock(StorageActivities.class, withSettings().withoutAnnotations());
  final WorkflowTestBed bed = new WorkflowTestBed(DeleteVolumeSnapshotWorkflowImpl.class, storage);

  @BeforeEach
  void cluster() {
    when(storage.listSnapshots(SNAP.image()))
        .thenReturn(List.of(new SnapshotStat(SNAP.snapshot(), 1000, true)));
    when(storage.listChildren(SNAP)).thenReturn(List.of(CLONE));
  }

  @AfterEach
  void close() {
    bed.close();
  }

  DeleteResult run(String workflowId, boolean flatten) {
    return bed.start(DeleteVolumeSnapshotWorkflow.class, workflowId)
        .delete(new DeleteVolumeSnapshotRequest(VOLUME_ID, SNAP_ID, flatten));
  }

  @Test
  void refusesWithInUseNamingTheCloneThenFlattensWhenAsked() {
    assertThatThrownBy(() -> run("first", false))
        .satisfies(
            e -> {
              assertThat(WorkflowTestBed.failureType(e)).isEqualTo(Failures.IN_USE);
              assertThat(WorkflowTestBed.failureMessage(e)).contains(CLONE.toString());
            });
    verify(storage, never()).unprotectSnapshot(any());
    assertThat(run("second", true))
        .isEqualTo(new DeleteResult(SNAP.toString(), true, List.of(CLONE.toString())));
    InOrder order = inOrder(storage);
    order.verify(storage).flattenImage(CLONE);
    order.verify(storage).unprotectSnapshot(SNAP);
    order.verify(storage).removeSnapshot(SNAP);
    bed.recordHistory("second", "delete-volume-snapshot-flatten");
  }

  @Test
  void aSnapshotThatNeverExistedIsNotFoundAndNothingIsTouched() {
    when(storage.listSnapshots(SNAP.image())).thenReturn(List.of());
    assertThatThrownBy(() -> run("missing", false))
        .satisfies(e -> assertThat(WorkflowTestBed.failureType(e)).isEqualTo(Failures.NOT_FOUND));
    verify(storage, never()).listChildren(any());
    verify(storage, never()).removeSnapshot(any());
  }

  @Test
  void aFailedFlattenLeavesTheSnapshotInPlace() {
    doThrow(ApplicationFailure.newNonRetryableFailure("injected", Failures.NO_SPACE))
        .when(storage)
        .flattenImage(any());
    assertThatThrownBy(() -> run("fails", true))
        .satisfies(e -> assertThat(WorkflowTestBed.failureType(e)).isEqualTo(Failures.NO_SPACE));
    verify(storage, never()).unprotectSnapshot(any());
    verify(storage, never()).removeSnapshot(any());
  }
}
