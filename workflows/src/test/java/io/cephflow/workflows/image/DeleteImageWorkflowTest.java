package io.cephflow.workflows.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
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
import io.cephflow.workflows.testing.WorkflowTestBed;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;

class DeleteImageWorkflowTest {
  static final String ID = "3f405162-7384-4fa0-b1c2-d3e4f5061728";
  static final RbdRef IMAGE = RbdRef.image(ID);
  static final SnapRef SNAP = SnapRef.imageSnap(ID);
  static final RbdRef VOLUME = RbdRef.volume("40516273-8495-4a1b-82c3-e4f506172839");

  final StorageActivities storage =
      mock(StorageActivities.class, withSettings().withoutAnnotations());
  final WorkflowTestBed bed = new WorkflowTestBed(DeleteImageWorkflowImpl.class, storage);

  @BeforeEach
  void cluster() {
    when(storage.statImage(any()))
        .thenReturn(new ImageStat(false, 0, null, 0, Map.of())); // the raw copy, say
    when(storage.statImage(IMAGE)).thenReturn(new ImageStat(true, 1000, null, 0, Map.of()));
    when(storage.listSnapshots(IMAGE)).thenReturn(List.of(new SnapshotStat("snap", 1000, true)));
    when(storage.listChildren(SNAP)).thenReturn(List.of(VOLUME));
  }

  @AfterEach
  void close() {
    bed.close();
  }

  @Test
  void anImageWithClonedVolumesIsInUseUnlessTheyAreFlattened() {
    assertThatThrownBy(
            () ->
                bed.start(DeleteImageWorkflow.class, "a").delete(new DeleteImageRequest(ID, false)))
        .satisfies(
            e -> {
              assertThat(WorkflowTestBed.failureType(e)).isEqualTo(Failures.IN_USE);
              assertThat(WorkflowTestBed.failureMessage(e)).contains(VOLUME.toString());
            });
    verify(storage, never()).deleteImage(any());
    bed.start(DeleteImageWorkflow.class, "b").delete(new DeleteImageRequest(ID, true));
    InOrder order = inOrder(storage);
    order.verify(storage).flattenImage(VOLUME);
    order.verify(storage).unprotectSnapshot(SNAP);
    order.verify(storage).removeSnapshot(SNAP);
    order.verify(storage).deleteImage(IMAGE);
    bed.recordHistory("b", "delete-image-flatten");
  }

  @Test
  void aBadIdIsInvalid() {
    assertThatThrownBy(
            () ->
                bed.start(DeleteImageWorkflow.class, "c")
                    .delete(new DeleteImageRequest("../x", false)))
        .satisfies(
            e -> assertThat(WorkflowTestBed.failureType(e)).isEqualTo(Failures.INVALID_REQUEST));
    verify(storage, never()).statImage(any());
  }
}
