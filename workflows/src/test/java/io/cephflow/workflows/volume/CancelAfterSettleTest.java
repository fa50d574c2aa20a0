package io.cephflow.workflows.volume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import io.cephflow.workflows.common.RbdRef;
import io.cephflow.workflows.common.SnapRef;
import io.cephflow.workflows.storage.StorageActivities;
import io.cephflow.workflows.storage.StorageActivities.ImageStat;
import io.cephflow.workflows.testing.SettleGate;
import io.cephflow.workflows.testing.WorkflowTestBed;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.CanceledFailure;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A cancel that lands while a create settles its record (between the settle and the flow's last
 * cancel check): the flow undoes the resource, and the id must not be used up by it (before the fix
 * the undo left a DELETED tombstone, so the same request could never be sent again).
 */
class CancelAfterSettleTest {
  static final String VOLUME_ID = "3c4d5e6f-7081-4c9d-aebf-2a3b4c5d6e7f";
  static final String SNAP_ID = "5e6f7081-92a3-4bcd-8ef0-4c5d6e7f8091";
  static final RbdRef VOL = RbdRef.volume(VOLUME_ID);
  static final SnapRef SNAP = SnapRef.volumeSnapshot(VOLUME_ID, SNAP_ID);

  final StorageActivities storage =
      mock(StorageActivities.class, withSettings().withoutAnnotations());
  final SettleGate gate = new SettleGate();
  final WorkflowTestBed bed =
      new WorkflowTestBed(CreateVolumeSnapshotWorkflowImpl.class, storage, gate);

  @AfterEach
  void close() {
    bed.close();
  }

  @Test
  void aCancelDuringTheSettleUndoesAndGivesTheIdBack() throws Exception {
    when(storage.statImage(VOL)).thenReturn(new ImageStat(true, 1000, null, 0, Map.of()));
    when(storage.listSnapshots(VOL)).thenReturn(List.of());
    String workflowId = CreateVolumeSnapshotWorkflow.workflowId(SNAP_ID);
    CreateVolumeSnapshotWorkflow wf = bed.start(CreateVolumeSnapshotWorkflow.class, workflowId);
    WorkflowClient.start(wf::snapshot, new CreateVolumeSnapshotRequest(VOLUME_ID, SNAP_ID));
    assertThat(gate.settling.await(20, TimeUnit.SECONDS)).isTrue();
    WorkflowStub.fromTyped(wf).cancel();
    awaitCancelOfRunningStep(workflowId);
    gate.release.countDown();

    assertThatThrownBy(() -> WorkflowStub.fromTyped(wf).getResult(VolumeSnapshotResult.class))
        .isInstanceOf(WorkflowFailedException.class)
        .hasCauseInstanceOf(CanceledFailure.class);
    verify(storage).unprotectSnapshot(SNAP);
    verify(storage).removeSnapshot(SNAP);
    // nobody was told it completed: the claim is given back, as for any create undone before its
    // end
    assertThat(gate.records.get("snapshot", SNAP_ID)).isNull();
  }

  /**
   * The cancel reached the flow mid-settle: as a request to cancel the running step (a normal
   * activity), or, the settle being a local step that a cancel waits for, as the workflow's cancel
   * request recorded while the step runs.
   */
  private void awaitCancelOfRunningStep(String workflowId) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      for (HistoryEvent e : bed.env().getWorkflowClient().fetchHistory(workflowId).getEvents()) {
        if (e.hasActivityTaskCancelRequestedEventAttributes()
            || e.hasWorkflowExecutionCancelRequestedEventAttributes()) return;
      }
      Thread.sleep(10);
    }
    throw new AssertionError("the flow never asked to cancel its settle");
  }
}
