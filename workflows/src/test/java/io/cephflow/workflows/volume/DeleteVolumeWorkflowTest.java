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

import io.cephflow.workflows.common.DeleteResult;
import io.cephflow.workflows.common.Failures;
import io.cephflow.workflows.common.RbdRef;
import io.cephflow.workflows.common.ResourceRecord.State;
import io.cephflow.workflows.common.SnapRef;
import io.cephflow.workflows.storage.StorageActivities;
import io.cephflow.workflows.storage.StorageActivities.ImageStat;
import io.cephflow.workflows.storage.StorageActivities.SnapshotStat;
import io.cephflow.workflows.testing.WorkflowTestBed;
import io.temporal.client.WorkflowFailedException;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mockito.InOrder;

/** DeleteVolume, and through it the steps every delete shares (DeleteSteps). */
class DeleteVolumeWorkflowTest {
  static final String VOLUME_ID = "8a9b0c1d-2e3f-4a5b-8c6d-7e8f9a0b1c2d";
  static final RbdRef VOL = RbdRef.volume(VOLUME_ID);
  static final SnapRef S1 = new SnapRef(VOL, "snapshot-1");
  static final SnapRef S2 = new SnapRef(VOL, "snapshot-2");
  static final RbdRef CLONE_A = RbdRef.volume("9b0c1d2e-3f40-4b6c-9d7e-8f9a0b1c2d3e");
  static final RbdRef CLONE_B = new RbdRef("vms", "server_disk");

  final StorageActivities storage =
      mock(StorageActivities.class, withSettings().withoutAnnotations());
  final WorkflowTestBed bed = new WorkflowTestBed(DeleteVolumeWorkflowImpl.class, storage);

  @BeforeEach
  void cluster() {
    when(storage.statImage(VOL)).thenReturn(new ImageStat(true, 1000, null, 0, Map.of()));
    when(storage.listSnapshots(VOL))
        .thenReturn(
            List.of(
                new SnapshotStat("snapshot-1", 1000, true),
                new SnapshotStat("snapshot-2", 1000, true)));
    when(storage.listChildren(S1)).thenReturn(List.of());
    when(storage.listChildren(S2)).thenReturn(List.of());
  }

  @AfterEach
  void close() {
    bed.close();
  }

  DeleteResult run(boolean flatten) {
    return bed.start(DeleteVolumeWorkflow.class, DeleteVolumeWorkflow.workflowId(VOLUME_ID))
        .delete(new DeleteVolumeRequest(VOLUME_ID, flatten));
  }

  void withClones() {
    when(storage.listChildren(S1)).thenReturn(List.of(CLONE_A));
    when(storage.listChildren(S2)).thenReturn(List.of(CLONE_B));
  }

  @Test
  void aSnapshotBeingCreatedRefusesTheDeleteBeforeAnythingIsRemovedAndLeavesTheVolumeAvailable() {
    String first = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
    String busy = "1b2c3d4e-5f60-4b7c-9d8e-0f1a2b3c4d5e";
    SnapRef s1 = new SnapRef(VOL, "snapshot-" + first);
    SnapRef s2 = new SnapRef(VOL, "snapshot-" + busy);
    when(storage.listSnapshots(VOL))
        .thenReturn(
            List.of(
                new SnapshotStat(s1.snapshot(), 1000, true),
                new SnapshotStat(s2.snapshot(), 1000, true)));
    when(storage.listChildren(any())).thenReturn(List.of());
    bed.records().put("volume", VOLUME_ID, State.AVAILABLE, "volume-create-x@r", null, null);
    bed.records().put("snapshot", first, State.AVAILABLE, "snapshot-create-a@r", null, null);
    bed.records().put("snapshot", busy, State.CREATING, "snapshot-create-b@r", null, null);

    assertThatThrownBy(() -> run(false))
        .satisfies(e -> assertThat(WorkflowTestBed.failureType(e)).isEqualTo(Failures.CONFLICT));
    verify(storage, never()).unprotectSnapshot(any());
    verify(storage, never()).removeSnapshot(any());
    verify(storage, never()).deleteImage(any());
    assertThat(bed.records().get("volume", VOLUME_ID).state())
        .as("deletable again")
        .isEqualTo(State.AVAILABLE);
    assertThat(bed.records().get("snapshot", first).state()).isEqualTo(State.AVAILABLE);
    assertThat(bed.records().get("snapshot", busy).state()).isEqualTo(State.CREATING);
  }

  @Test
  void removesEachSnapshotThenTheVolume() {
    assertThat(run(false)).isEqualTo(new DeleteResult(VOL.toString(), true, List.of()));
    InOrder order = inOrder(storage);
    order.verify(storage).unprotectSnapshot(S1);
    order.verify(storage).removeSnapshot(S1);
    order.verify(storage).unprotectSnapshot(S2);
    order.verify(storage).removeSnapshot(S2);
    order.verify(storage).deleteImage(VOL);
    verify(storage, never()).flattenImage(any());
    bed.recordHistory(DeleteVolumeWorkflow.workflowId(VOLUME_ID), "delete-volume");
  }

  @Test
  void aVolumeThatNeverExistedIsNotFoundAndNothingIsTouched() {
    when(storage.statImage(VOL)).thenReturn(new ImageStat(false, 0, null, 0, Map.of()));
    assertThatThrownBy(() -> run(false))
        .satisfies(e -> assertThat(WorkflowTestBed.failureType(e)).isEqualTo(Failures.NOT_FOUND));
    verify(storage, never()).deleteImage(any());
    verify(storage, never()).removeSnapshot(any());
  }

  @Test
  void dependentClonesAreRefusedAsInUseNamingThemAndNothingIsTouched() {
    withClones();
    assertThatThrownBy(() -> run(false))
        .isInstanceOf(WorkflowFailedException.class)
        .satisfies(
            e -> {
              assertThat(WorkflowTestBed.failureType(e)).isEqualTo(Failures.IN_USE);
              assertThat(WorkflowTestBed.failureMessage(e))
                  .contains(CLONE_A.toString())
                  .contains(CLONE_B.toString());
            });
    verify(storage, never()).flattenImage(any());
    verify(storage, never()).unprotectSnapshot(any());
    verify(storage, never()).removeSnapshot(any());
    verify(storage, never()).deleteImage(any());
  }

  @Test
  void withFlattenDependentsEachCloneIsFlattenedFirst() {
    withClones();
    assertThat(run(true).flattened()).containsExactly(CLONE_A.toString(), CLONE_B.toString());
    // handed to the flatten manager, all at once: each flattened before anything is removed
    for (RbdRef clone : List.of(CLONE_A, CLONE_B)) {
      InOrder order = inOrder(storage);
      order.verify(storage).flattenImage(clone);
      order.verify(storage).unprotectSnapshot(S1);
      order.verify(storage).deleteImage(VOL);
    }
  }

  /** Deletes have no compensation: a failure stops the flow before any later destructive step. */
  enum Step {
    INSPECT(t -> when(t.storage.statImage(VOL)).thenThrow(bad(Failures.PERMISSION_DENIED))),
    LIST_SNAPSHOTS(
        t -> when(t.storage.listSnapshots(VOL)).thenThrow(bad(Failures.PERMISSION_DENIED))),
    LIST_CHILDREN(t -> when(t.storage.listChildren(S2)).thenThrow(bad(Failures.PERMISSION_DENIED))),
    FLATTEN(
        t -> doThrow(bad(Failures.NO_SPACE)).when(t.storage).flattenImage(CLONE_B), "flattenImage"),
    UNPROTECT(
        t -> doThrow(bad(Failures.IN_USE)).when(t.storage).unprotectSnapshot(S2),
        "flattenImage",
        "unprotectSnapshot",
        "removeSnapshot"),
    REMOVE_SNAPSHOT(
        t -> doThrow(bad(Failures.PERMISSION_DENIED)).when(t.storage).removeSnapshot(S2),
        "flattenImage",
        "unprotectSnapshot",
        "removeSnapshot"),
    DELETE(
        t -> doThrow(bad(Failures.IN_USE)).when(t.storage).deleteImage(VOL),
        "flattenImage",
        "unprotectSnapshot",
        "removeSnapshot");

    final Consumer<DeleteVolumeWorkflowTest> inject;
    final List<String> reached;

    Step(Consumer<DeleteVolumeWorkflowTest> inject, String... reached) {
      this.inject = inject;
      this.reached = List.of(reached);
    }
  }

  @ParameterizedTest
  @EnumSource(Step.class)
  void aFailureAtEachStepStopsBeforeAnyLaterDestructiveStep(Step step) {
    withClones();
    step.inject.accept(this);
    assertThatThrownBy(() -> run(true))
        .isInstanceOf(WorkflowFailedException.class)
        .satisfies(
            e ->
                assertThat(WorkflowTestBed.failureType(e))
                    .isEqualTo(WorkflowTestBed.injectedType(e)));
    if (!step.reached.contains("flattenImage")) verify(storage, never()).flattenImage(any());
    if (!step.reached.contains("unprotectSnapshot"))
      verify(storage, never()).unprotectSnapshot(any());
    if (!step.reached.contains("removeSnapshot")) verify(storage, never()).removeSnapshot(any());
    if (step != Step.DELETE) verify(storage, never()).deleteImage(any());
    if (step == Step.UNPROTECT) verify(storage, never()).removeSnapshot(S2);
    verify(storage, never()).removeImage(any(), any());
  }
}
