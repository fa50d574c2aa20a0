package io.cephflow.workflows.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import io.cephflow.workflows.common.Failures;
import io.cephflow.workflows.common.Provenance;
import io.cephflow.workflows.common.RbdRef;
import io.cephflow.workflows.common.ResourceRecord.State;
import io.cephflow.workflows.hypervisor.HypervisorActivities;
import io.cephflow.workflows.image.DeleteImageRequest;
import io.cephflow.workflows.image.DeleteImageWorkflow;
import io.cephflow.workflows.image.DeleteImageWorkflowImpl;
import io.cephflow.workflows.storage.ConvertActivities;
import io.cephflow.workflows.storage.StorageActivities;
import io.cephflow.workflows.storage.StorageActivities.ImageStat;
import io.cephflow.workflows.storage.StorageActivities.SnapshotStat;
import io.cephflow.workflows.testing.WorkflowTestBed;
import io.cephflow.workflows.volume.CreateVolumeFromImageRequest;
import io.cephflow.workflows.volume.CreateVolumeFromImageWorkflow;
import io.cephflow.workflows.volume.CreateVolumeFromImageWorkflowImpl;
import io.cephflow.workflows.volume.VolumeResult;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A create holds the record of what it makes something from: a delete of the source while the
 * create runs is refused, Conflict, and leaves it AVAILABLE (before: the delete went ahead and only
 * Ceph, refusing to remove a snapshot with clones, or the create's failing clone, stopped it).
 */
class SourceHoldTest {
  static final String IMAGE = "0b6ee3d6-6c1b-4b5e-9a61-3d1f1a7d2b10";
  static final String VOL = "9a0c2c1e-0e55-4b8f-9a3c-1f7a1c1f0b01";
  static final RbdRef IMG = RbdRef.image(IMAGE);

  final StorageActivities storage =
      mock(StorageActivities.class, withSettings().withoutAnnotations());
  final ConvertActivities convert =
      mock(ConvertActivities.class, withSettings().withoutAnnotations());
  final HypervisorActivities hv =
      mock(HypervisorActivities.class, withSettings().withoutAnnotations());
  final WorkflowTestBed bed =
      WorkflowTestBed.withHypervisor(
          List.of(CreateVolumeFromImageWorkflowImpl.class, DeleteImageWorkflowImpl.class),
          hv,
          storage,
          convert);

  @AfterEach
  void close() {
    bed.close();
  }

  @Test
  void aDeleteOfTheImageWhileAVolumeIsClonedFromItIsRefusedAndTheImageStays() throws Exception {
    when(storage.statImage(any())).thenReturn(new ImageStat(false, 0, null, 0, Map.of()));
    when(storage.statImage(IMG))
        .thenReturn(
            new ImageStat(
                true,
                1 << 20,
                null,
                0,
                Map.of(
                    Provenance.FORMAT, "raw", Provenance.VIRTUAL_SIZE, Integer.toString(1 << 20))));
    when(storage.statImage(RbdRef.volume(VOL)))
        .thenReturn(new ImageStat(true, 1 << 20, null, 1, Map.of()));
    when(storage.listSnapshots(IMG)).thenReturn(List.of(new SnapshotStat("snap", 1 << 20, true)));
    when(storage.listChildren(any())).thenReturn(List.of());
    bed.records().put("image", IMAGE, State.AVAILABLE, "image-upload-x@r", null, null);
    CountDownLatch cloning = new CountDownLatch(1);
    CountDownLatch finish = new CountDownLatch(1);
    doAnswer(
            inv -> {
              cloning.countDown();
              assertThat(finish.await(20, TimeUnit.SECONDS)).isTrue();
              return null;
            })
        .when(storage)
        .cloneImage(any(), any(), any());
    CreateVolumeFromImageWorkflow create =
        bed.start(
            CreateVolumeFromImageWorkflow.class, CreateVolumeFromImageWorkflow.workflowId(VOL));
    WorkflowClient.start(create::create, new CreateVolumeFromImageRequest(VOL, IMAGE, 0));
    assertThat(cloning.await(20, TimeUnit.SECONDS)).isTrue();

    DeleteImageWorkflow delete =
        bed.start(DeleteImageWorkflow.class, DeleteImageWorkflow.workflowId(IMAGE));
    assertThatThrownBy(() -> delete.delete(new DeleteImageRequest(IMAGE, false)))
        .satisfies(e -> assertThat(WorkflowTestBed.failureType(e)).isEqualTo(Failures.CONFLICT))
        .satisfies(
            e ->
                assertThat(WorkflowTestBed.failureMessage(e))
                    .contains(CreateVolumeFromImageWorkflow.workflowId(VOL)));
    verify(storage, never()).deleteImage(any());
    verify(storage, never()).removeSnapshot(any());
    assertThat(bed.records().get("image", IMAGE).state()).isEqualTo(State.AVAILABLE);

    finish.countDown();
    WorkflowStub.fromTyped(create).getResult(VolumeResult.class);
    assertThat(bed.records().get("image", IMAGE).holders())
        .as("let go once the volume is made")
        .isEmpty();
    assertThat(bed.records().get("volume", VOL).state()).isEqualTo(State.AVAILABLE);
  }
}
