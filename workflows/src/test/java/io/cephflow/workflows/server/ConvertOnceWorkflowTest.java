package io.cephflow.workflows.server;

import static io.cephflow.workflows.testing.WorkflowTestBed.bad;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import io.cephflow.workflows.common.DeleteResult;
import io.cephflow.workflows.common.Failures;
import io.cephflow.workflows.common.Provenance;
import io.cephflow.workflows.common.RbdRef;
import io.cephflow.workflows.common.ResourceRecord;
import io.cephflow.workflows.common.ResourceRecord.State;
import io.cephflow.workflows.common.SnapRef;
import io.cephflow.workflows.image.DeleteImageRequest;
import io.cephflow.workflows.image.DeleteImageWorkflow;
import io.cephflow.workflows.image.DeleteImageWorkflowImpl;
import io.cephflow.workflows.storage.ConvertActivities;
import io.cephflow.workflows.storage.ConvertActivities.ConvertResult;
import io.cephflow.workflows.testing.FakeCeph;
import io.cephflow.workflows.testing.FakeHypervisor;
import io.cephflow.workflows.testing.WorkflowTestBed;
import io.cephflow.workflows.volume.CreateVolumeFromImageRequest;
import io.cephflow.workflows.volume.CreateVolumeFromImageWorkflow;
import io.cephflow.workflows.volume.CreateVolumeFromImageWorkflowImpl;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Convert once, then clone: the first boot (or volume) from a qcow2 image converts it into {@code
 * images/<id>_raw@snap}, later ones clone that, concurrent first boots convert once, a failed
 * conversion leaves nothing, and the copy goes with its image (its clones keep the image in use).
 */
class ConvertOnceWorkflowTest {
  static final String IMAGE = "0b6ee3d6-6c1b-4b5e-9a61-3d1f1a7d2b10";
  static final String S1 = "5d0c2c1e-0e55-4b8f-9a3c-1f7a1c1f0a01";
  static final String S2 = "5d0c2c1e-0e55-4b8f-9a3c-1f7a1c1f0a02";
  static final String S3 = "5d0c2c1e-0e55-4b8f-9a3c-1f7a1c1f0a03";
  static final String VOL = "9a0c2c1e-0e55-4b8f-9a3c-1f7a1c1f0b01";
  static final long MiB = 1 << 20;
  static final RbdRef RAW = RbdRef.rawCopy(IMAGE);
  static final SnapRef RAW_SNAP = SnapRef.rawCopySnap(IMAGE);

  final FakeCeph ceph = new FakeCeph();
  final FakeHypervisor hv = new FakeHypervisor();
  final ConvertActivities convert =
      mock(ConvertActivities.class, withSettings().withoutAnnotations());
  final WorkflowTestBed bed =
      WorkflowTestBed.withHypervisor(
          List.of(
              BootFromImageWorkflowImpl.class,
              CreateVolumeFromImageWorkflowImpl.class,
              DeleteImageWorkflowImpl.class),
          hv,
          ceph,
          convert);

  @BeforeEach
  void qcow2Image() {
    ceph.createImage(RbdRef.image(IMAGE), 3 * MiB, "image-upload-" + IMAGE);
    ceph.createSnapshot(SnapRef.imageSnap(IMAGE));
    ceph.protectSnapshot(SnapRef.imageSnap(IMAGE));
    ceph.setMetadata(
        RbdRef.image(IMAGE),
        java.util.Map.of(
            Provenance.FORMAT,
            "qcow2",
            Provenance.VIRTUAL_SIZE,
            Long.toString(10 * MiB),
            Provenance.NAME,
            "q"));
    bed.records().put("image", IMAGE, State.AVAILABLE, "image-upload-" + IMAGE, null, null);
    when(convert.convertImageInto(any(), any(), any()))
        .thenReturn(new ConvertResult(10 * MiB, 10 * MiB, "ab"));
  }

  @AfterEach
  void close() {
    bed.close();
  }

  ServerResult boot(String serverId) {
    return bed.start(BootFromImageWorkflow.class, BootFromImageWorkflow.workflowId(serverId))
        .boot(new BootFromImageRequest(serverId, WorkflowTestBed.HOST, IMAGE, 0, 0, 0, false));
  }

  SnapRef parentOf(RbdRef ref) {
    return ceph.statImage(ref).parent();
  }

  @Test
  void theFirstBootConvertsIntoTheRawCopyAndTheSecondClonesIt() {
    boot(S1);
    verify(convert).convertImageInto(RbdRef.image(IMAGE), "qcow2", RAW);
    assertThat(parentOf(RbdRef.serverDisk(S1))).isEqualTo(RAW_SNAP);
    assertThat(ceph.listSnapshots(RAW))
        .singleElement()
        .satisfies(s -> assertThat(s.isProtected()).isTrue());
    assertThat(ceph.statImage(RbdRef.image(IMAGE)).metadata())
        .containsEntry(Provenance.RAW_COPY, RAW_SNAP.toString());
    assertThat(ceph.statImage(RAW).metadata())
        .containsEntry(Provenance.FORMAT, "raw")
        .containsEntry(Provenance.SOURCE_FORMAT, "qcow2")
        .containsEntry(Provenance.SOURCE, "image:" + IMAGE);
    ResourceRecord r = bed.records().get(ResourceRecord.RAW_COPY_KIND, IMAGE);
    assertThat(r.state()).isEqualTo(State.AVAILABLE);
    assertThat(r.createdBy()).isEqualTo(bed.operation(BootFromImageWorkflow.workflowId(S1)));

    boot(S2);
    verify(convert, times(1)).convertImageInto(any(), any(), any());
    assertThat(parentOf(RbdRef.serverDisk(S2))).isEqualTo(RAW_SNAP);
    // a disk records its own provenance: raw, from the image, not the copy's conversion marker
    assertThat(ceph.statImage(RbdRef.serverDisk(S2)).metadata())
        .containsEntry(Provenance.FORMAT, "raw")
        .containsEntry(Provenance.SOURCE, "image:" + IMAGE)
        .doesNotContainKey(Provenance.RAW_COPY);
    bed.recordHistory(BootFromImageWorkflow.workflowId(S2), "boot-from-image-raw-copy");
  }

  @Test
  void aVolumeFromAConvertedImageClonesTheRawCopyToo() {
    boot(S1);
    bed.start(CreateVolumeFromImageWorkflow.class, CreateVolumeFromImageWorkflow.workflowId(VOL))
        .create(new CreateVolumeFromImageRequest(VOL, IMAGE, 0));
    verify(convert, times(1)).convertImageInto(any(), any(), any());
    assertThat(parentOf(RbdRef.volume(VOL))).isEqualTo(RAW_SNAP);
  }

  @Test
  void theFirstVolumeConvertsAndABootAfterItClones() {
    bed.start(CreateVolumeFromImageWorkflow.class, CreateVolumeFromImageWorkflow.workflowId(VOL))
        .create(new CreateVolumeFromImageRequest(VOL, IMAGE, 0));
    assertThat(parentOf(RbdRef.volume(VOL))).isEqualTo(RAW_SNAP);
    boot(S1);
    verify(convert, times(1)).convertImageInto(RbdRef.image(IMAGE), "qcow2", RAW);
    assertThat(parentOf(RbdRef.serverDisk(S1))).isEqualTo(RAW_SNAP);
  }

  @Test
  void concurrentFirstBootsConvertOnceAndTheOthersWaitForIt() throws Exception {
    CountDownLatch converting = new CountDownLatch(1);
    CountDownLatch finish = new CountDownLatch(1);
    when(convert.convertImageInto(any(), any(), any()))
        .thenAnswer(
            inv -> {
              converting.countDown();
              assertThat(finish.await(30, TimeUnit.SECONDS)).isTrue();
              return new ConvertResult(10 * MiB, 10 * MiB, "ab");
            });
    BootFromImageWorkflow first =
        bed.start(BootFromImageWorkflow.class, BootFromImageWorkflow.workflowId(S1));
    WorkflowClient.start(
        first::boot, new BootFromImageRequest(S1, WorkflowTestBed.HOST, IMAGE, 0, 0, 0, false));
    assertThat(converting.await(10, TimeUnit.SECONDS)).isTrue();
    BootFromImageWorkflow second =
        bed.start(BootFromImageWorkflow.class, BootFromImageWorkflow.workflowId(S2));
    BootFromImageWorkflow third =
        bed.start(BootFromImageWorkflow.class, BootFromImageWorkflow.workflowId(S3));
    WorkflowClient.start(
        second::boot, new BootFromImageRequest(S2, WorkflowTestBed.HOST, IMAGE, 0, 0, 0, false));
    WorkflowClient.start(
        third::boot, new BootFromImageRequest(S3, WorkflowTestBed.HOST, IMAGE, 0, 0, 0, false));
    // both have tried to claim the conversion and are waiting for it: their progress says so
    waitForStep(second, "wait-conversion");
    waitForStep(third, "wait-conversion");
    finish.countDown();
    for (var wf : List.of(first, second, third))
      WorkflowStub.fromTyped(wf).getResult(ServerResult.class);
    verify(convert, times(1)).convertImageInto(any(), any(), any());
    for (String s : List.of(S1, S2, S3))
      assertThat(parentOf(RbdRef.serverDisk(s))).isEqualTo(RAW_SNAP);
  }

  void waitForStep(BootFromImageWorkflow wf, String step) throws InterruptedException {
    for (int i = 0; i < 200; i++) {
      if (step.equals(wf.progress().step())) return;
      Thread.sleep(50);
    }
    assertThat(wf.progress().step()).isEqualTo(step);
  }

  @Test
  void aFailedConversionLeavesNothingAndTheNextBootConvertsAgain() {
    when(convert.convertImageInto(any(), any(), any()))
        .thenThrow(bad(Failures.UNSAFE_IMAGE))
        .thenReturn(new ConvertResult(10 * MiB, 10 * MiB, "ab"));
    assertThatThrownBy(() -> boot(S1))
        .satisfies(
            e -> assertThat(WorkflowTestBed.failureType(e)).isEqualTo(Failures.UNSAFE_IMAGE));
    assertThat(ceph.world()).containsExactly("images/" + IMAGE, "images/" + IMAGE + "@snap");
    assertThat(bed.records().get(ResourceRecord.RAW_COPY_KIND, IMAGE))
        .as("the claim was given back")
        .isNull();
    assertThat(ceph.statImage(RbdRef.image(IMAGE)).metadata())
        .doesNotContainKey(Provenance.RAW_COPY);
    assertThat(hv.domains).isEmpty();

    boot(S2);
    verify(convert, times(2)).convertImageInto(RbdRef.image(IMAGE), "qcow2", RAW);
    assertThat(parentOf(RbdRef.serverDisk(S2))).isEqualTo(RAW_SNAP);
  }

  @Test
  void aCopyLeftInErrorByAFailedCleanupIsRemovedAndConvertedAgainByTheNextBoot() {
    // a conversion whose undo failed: its record is ERROR, its copy (protected snapshot) still
    // there
    String failed = "server-boot-old@run";
    bed.records()
        .put(ResourceRecord.RAW_COPY_KIND, IMAGE, State.ERROR, failed, "image:" + IMAGE, null);
    ceph.createImage(RAW, 10 * MiB, failed);
    ceph.createSnapshot(RAW_SNAP);
    ceph.protectSnapshot(RAW_SNAP);

    boot(S1);
    verify(convert).convertImageInto(RbdRef.image(IMAGE), "qcow2", RAW);
    assertThat(parentOf(RbdRef.serverDisk(S1)))
        .as("cloned from the copy, not the slow path")
        .isEqualTo(RAW_SNAP);
    ResourceRecord r = bed.records().get(ResourceRecord.RAW_COPY_KIND, IMAGE);
    assertThat(r.state()).isEqualTo(State.AVAILABLE);
    assertThat(r.createdBy()).isEqualTo(bed.operation(BootFromImageWorkflow.workflowId(S1)));
    assertThat(ceph.owner(RAW.toString())).isEqualTo(r.createdBy());

    boot(S2);
    verify(convert, times(1)).convertImageInto(any(), any(), any());
    assertThat(parentOf(RbdRef.serverDisk(S2))).isEqualTo(RAW_SNAP);
  }

  @Test
  void aBootThatForbidsTheSlowPathMakesTheFirstCopyAndClonesIt() {
    bed.start(BootFromImageWorkflow.class, BootFromImageWorkflow.workflowId(S1))
        .boot(new BootFromImageRequest(S1, WorkflowTestBed.HOST, IMAGE, 0, 0, 0, true));
    verify(convert).convertImageInto(RbdRef.image(IMAGE), "qcow2", RAW);
    assertThat(parentOf(RbdRef.serverDisk(S1))).isEqualTo(RAW_SNAP);
  }

  @Test
  void aBootThatForbidsTheSlowPathIsRefusedWhenTheCopyCannotBeHad() {
    // another operation holds the conversion for longer than it should take (terminated, say)
    bed.records()
        .put(
            ResourceRecord.RAW_COPY_KIND,
            IMAGE,
            State.CREATING,
            "server-boot-other@run",
            "image:" + IMAGE,
            null);
    assertThatThrownBy(
            () ->
                bed.start(BootFromImageWorkflow.class, BootFromImageWorkflow.workflowId(S1))
                    .boot(new BootFromImageRequest(S1, WorkflowTestBed.HOST, IMAGE, 0, 0, 0, true)))
        .satisfies(e -> assertThat(WorkflowTestBed.failureType(e)).isEqualTo(Failures.POLICY));
    verify(convert, never()).convertImageInto(any(), any(), any());
    assertThat(ceph.world()).containsExactly("images/" + IMAGE, "images/" + IMAGE + "@snap");
  }

  @Test
  void aBootThatFailsAfterTheConversionKeepsTheCopyForTheNextOne() {
    // instance-S1 exists with another disk: the define fails after the clone
    hv.domains.put(S1, new FakeHypervisor.Domain(List.of(RbdRef.volume(VOL)), false));
    assertThatThrownBy(() -> boot(S1))
        .satisfies(e -> assertThat(WorkflowTestBed.failureType(e)).isEqualTo(Failures.HYPERVISOR));
    assertThat(ceph.world())
        .containsExactlyInAnyOrder(
            "images/" + IMAGE, "images/" + IMAGE + "@snap", RAW.toString(), RAW_SNAP.toString());
    boot(S2);
    verify(convert, times(1)).convertImageInto(any(), any(), any());
    assertThat(parentOf(RbdRef.serverDisk(S2))).isEqualTo(RAW_SNAP);
  }

  @Test
  void theImageIsInUseWhileClonesOfItsCopyExistAndItsDeleteTakesTheCopyAlong() {
    boot(S1);
    DeleteImageWorkflow del =
        bed.start(DeleteImageWorkflow.class, DeleteImageWorkflow.workflowId(IMAGE));
    assertThatThrownBy(() -> del.delete(new DeleteImageRequest(IMAGE, false)))
        .satisfies(e -> assertThat(WorkflowTestBed.failureType(e)).isEqualTo(Failures.IN_USE))
        .satisfies(
            e -> assertThat(WorkflowTestBed.failureMessage(e)).contains("vms/" + S1 + "_disk"));
    assertThat(ceph.world()).contains(RAW.toString(), RAW_SNAP.toString());
    assertThat(bed.records().get("image", IMAGE).state()).isEqualTo(State.AVAILABLE);
    assertThat(bed.records().get(ResourceRecord.RAW_COPY_KIND, IMAGE).state())
        .isEqualTo(State.AVAILABLE);

    ceph.removeImage(RbdRef.serverDisk(S1), bed.operation(BootFromImageWorkflow.workflowId(S1)));
    DeleteImageWorkflow again =
        bed.start(DeleteImageWorkflow.class, DeleteImageWorkflow.workflowId(IMAGE));
    DeleteResult r = again.delete(new DeleteImageRequest(IMAGE, false));
    assertThat(r.existed()).isTrue();
    assertThat(ceph.world()).isEmpty();
    assertThat(bed.records().get(ResourceRecord.RAW_COPY_KIND, IMAGE).state())
        .isEqualTo(State.DELETED);
    assertThat(bed.records().get("image", IMAGE).state()).isEqualTo(State.DELETED);
    bed.recordHistory(DeleteImageWorkflow.workflowId(IMAGE), "delete-image-raw-copy");
  }

  @Test
  void flattenDependentsFlattensTheClonesOfTheCopyThenRemovesIt() {
    boot(S1);
    DeleteResult r =
        bed.start(DeleteImageWorkflow.class, DeleteImageWorkflow.workflowId(IMAGE))
            .delete(new DeleteImageRequest(IMAGE, true));
    assertThat(r.flattened()).containsExactly("vms/" + S1 + "_disk");
    assertThat(ceph.world()).containsExactly("vms/" + S1 + "_disk");
    assertThat(parentOf(RbdRef.serverDisk(S1))).isNull();
  }

  @Test
  void theImagesDeleteIsRefusedWhileItsCopyIsBeingConverted() {
    bed.records()
        .put(
            ResourceRecord.RAW_COPY_KIND,
            IMAGE,
            State.CREATING,
            "server-boot-x@r",
            "image:" + IMAGE,
            null);
    assertThatThrownBy(
            () ->
                bed.start(DeleteImageWorkflow.class, DeleteImageWorkflow.workflowId(IMAGE))
                    .delete(new DeleteImageRequest(IMAGE, false)))
        .satisfies(e -> assertThat(WorkflowTestBed.failureType(e)).isEqualTo(Failures.CONFLICT));
    assertThat(ceph.world()).contains("images/" + IMAGE);
    assertThat(bed.records().get("image", IMAGE).state()).isEqualTo(State.AVAILABLE);
    verify(convert, never()).convertImageInto(any(), eq("qcow2"), any());
  }
}
