package io.cephflow.workflows.server;

import static io.cephflow.workflows.testing.WorkflowTestBed.bad;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.anyLong;
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
import io.cephflow.workflows.common.ResourceRecord;
import io.cephflow.workflows.common.SnapRef;
import io.cephflow.workflows.hypervisor.DomainState;
import io.cephflow.workflows.hypervisor.HypervisorActivities;
import io.cephflow.workflows.hypervisor.ServerDomain;
import io.cephflow.workflows.storage.ConvertActivities;
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
import org.mockito.InOrder;

class BootFromImageWorkflowTest {
  static final String SERVER = "5d0c2c1e-0e55-4b8f-9a3c-1f7a1c1f0a01";
  static final String IMAGE = "0b6ee3d6-6c1b-4b5e-9a61-3d1f1a7d2b10";
  static final String SECRET = "7f1c3a52-7a55-4c8e-9d55-3c1c4f0d1e22";
  static final String OWNER = BootFromImageWorkflow.workflowId(SERVER);
  static final RbdRef DISK = RbdRef.serverDisk(SERVER);
  static final long MiB = 1 << 20;

  final StorageActivities storage =
      mock(StorageActivities.class, withSettings().withoutAnnotations());
  final ConvertActivities convert =
      mock(ConvertActivities.class, withSettings().withoutAnnotations());
  final HypervisorActivities hv =
      mock(HypervisorActivities.class, withSettings().withoutAnnotations());
  final WorkflowTestBed bed =
      WorkflowTestBed.withHypervisor(
          List.of(BootFromImageWorkflowImpl.class), hv, storage, convert);

  @AfterEach
  void close() {
    bed.close();
  }

  void imageOf(String format, long size) {
    when(storage.statImage(RbdRef.image(IMAGE)))
        .thenReturn(
            new ImageStat(
                true,
                size,
                null,
                0,
                Map.of(
                    Provenance.FORMAT, format, Provenance.VIRTUAL_SIZE, Long.toString(10 * MiB))));
    when(hv.ensureSecret()).thenReturn(SECRET);
    when(hv.waitRunning(SERVER)).thenReturn(DomainState.RUNNING);
  }

  ServerResult run(int rootDiskGb, boolean forbidSlowPath) {
    return bed.start(BootFromImageWorkflow.class, OWNER)
        .boot(
            new BootFromImageRequest(
                SERVER, WorkflowTestBed.HOST, IMAGE, rootDiskGb, 0, 0, forbidSlowPath));
  }

  @Test
  void rawImageIsClonedGrownAndBootedOnTheHypervisorsQueue() {
    imageOf("raw", 10 * MiB);
    ServerResult r = run(1, false);
    assertThat(r)
        .isEqualTo(
            new ServerResult(
                SERVER, "hv1", "instance-" + SERVER, "vms/" + SERVER + "_disk", "RUNNING", null));
    InOrder order = inOrder(storage, hv);
    order.verify(storage).cloneImage(SnapRef.imageSnap(IMAGE), DISK, bed.operation(OWNER));
    order.verify(storage).resizeImage(DISK, 1L << 30, false);
    order.verify(hv).ensureSecret();
    order
        .verify(hv)
        .defineDomain(
            new ServerDomain(
                SERVER,
                0,
                0,
                List.of(DISK),
                SECRET,
                Map.of("image-id", IMAGE, "workflow-id", OWNER)));
    order.verify(hv).startDomain(SERVER);
    order.verify(hv).waitRunning(SERVER);
    verify(storage, never()).removeImage(any(), any());
    verifyNoInteractions(convert);
    assertThat(WorkflowTestBed.resourceTags(bed.env(), OWNER))
        .containsExactly("server:" + SERVER, "image:" + IMAGE);
    bed.recordHistory(OWNER, "boot-from-image-clone");
  }

  @Test
  void noRootDiskSizeKeepsTheImageSize() {
    imageOf("raw", 10 * MiB);
    run(0, false);
    verify(storage, never()).resizeImage(any(), anyLong(), anyBoolean());
  }

  @Test
  void otherFormatsAreConvertedOnceIntoTheImagesRawCopyOfTheVirtualSizeWhichTheDiskClones() {
    imageOf("qcow2", 3 * MiB);
    run(0, false);
    InOrder order = inOrder(storage, convert, hv);
    RbdRef copy = RbdRef.rawCopy(IMAGE);
    order.verify(storage).createImage(copy, 10 * MiB, bed.operation(OWNER));
    order.verify(convert).convertImageInto(RbdRef.image(IMAGE), "qcow2", copy);
    order.verify(storage).protectSnapshot(SnapRef.rawCopySnap(IMAGE));
    order.verify(storage).cloneImage(SnapRef.rawCopySnap(IMAGE), DISK, bed.operation(OWNER));
    order.verify(hv).startDomain(SERVER);
    verify(storage, never()).createImage(eq(DISK), anyLong(), any());
  }

  @Test
  void anImageWhoseRawCopyIsReadyIsClonedWithoutConverting() {
    when(storage.statImage(RbdRef.image(IMAGE)))
        .thenReturn(
            new ImageStat(
                true,
                3 * MiB,
                null,
                0,
                Map.of(
                    Provenance.FORMAT,
                    "qcow2",
                    Provenance.VIRTUAL_SIZE,
                    Long.toString(10 * MiB),
                    Provenance.RAW_COPY,
                    SnapRef.rawCopySnap(IMAGE).toString())));
    when(hv.ensureSecret()).thenReturn(SECRET);
    when(hv.waitRunning(SERVER)).thenReturn(DomainState.RUNNING);
    run(0, true); // not the slow path: the policy allows it
    verify(storage).cloneImage(SnapRef.rawCopySnap(IMAGE), DISK, bed.operation(OWNER));
    verifyNoInteractions(convert);
  }

  @Test
  void policyCanForbidTheSlowPathBeforeAnythingIsCreated() {
    imageOf("qcow2", 3 * MiB);
    // the raw copy cannot be had: another operation holds its conversion for longer than it should
    // take
    bed.records()
        .put(
            ResourceRecord.RAW_COPY_KIND,
            IMAGE,
            ResourceRecord.State.CREATING,
            "server-boot-other@run",
            "image:" + IMAGE,
            null);
    assertThatThrownBy(() -> run(0, true))
        .satisfies(e -> assertThat(WorkflowTestBed.failureType(e)).isEqualTo(Failures.POLICY));
    verify(storage, never()).createImage(any(), anyLong(), any());
    verify(storage, never()).removeImage(any(), any());
    verifyNoInteractions(convert, hv);
  }

  @Test
  void aMissingImageIsNotFoundAndTouchesNothing() {
    when(storage.statImage(any())).thenReturn(new ImageStat(false, 0, null, 0, Map.of()));
    assertThatThrownBy(() -> run(0, false))
        .satisfies(e -> assertThat(WorkflowTestBed.failureType(e)).isEqualTo(Failures.NOT_FOUND));
    verify(storage, never()).removeImage(any(), any());
    verifyNoInteractions(hv);
  }

  @Test
  void aRootDiskSmallerThanTheImageIsRefused() {
    when(storage.statImage(any()))
        .thenReturn(new ImageStat(true, 2L << 30, null, 0, Map.of(Provenance.FORMAT, "raw")));
    assertThatThrownBy(() -> run(1, false))
        .satisfies(
            e -> assertThat(WorkflowTestBed.failureType(e)).isEqualTo(Failures.INVALID_REQUEST));
    verify(storage, never()).cloneImage(any(), any(), any());
  }

  @Test
  void invalidRequestFailsBeforeAnyActivity() {
    assertThatThrownBy(
            () ->
                bed.start(BootFromImageWorkflow.class, "server-boot-bad")
                    .boot(new BootFromImageRequest("nope", null, IMAGE, 0, 0, 0, false)))
        .satisfies(
            e -> assertThat(WorkflowTestBed.failureType(e)).isEqualTo(Failures.INVALID_REQUEST));
    verifyNoInteractions(storage, hv);
  }

  enum Step {
    STAT(t -> when(t.storage.statImage(any())).thenThrow(bad(Failures.PERMISSION_DENIED))),
    CLONE(
        t -> doThrow(bad(Failures.INVALID_REQUEST)).when(t.storage).cloneImage(any(), any(), any()),
        "removeDisk"),
    RESIZE(
        t ->
            doThrow(bad(Failures.NO_SPACE))
                .when(t.storage)
                .resizeImage(any(), anyLong(), anyBoolean()),
        "removeDisk"),
    SECRET(t -> when(t.hv.ensureSecret()).thenThrow(bad(Failures.HYPERVISOR)), "removeDisk"),
    DEFINE(
        t -> when(t.hv.defineDomain(any())).thenThrow(bad(Failures.INVALID_REQUEST)),
        "undefine",
        "removeDisk"),
    START(
        t -> when(t.hv.startDomain(anyString())).thenThrow(bad(Failures.HYPERVISOR)),
        "destroy",
        "undefine",
        "removeDisk"),
    WAIT(
        t -> when(t.hv.waitRunning(anyString())).thenThrow(bad(Failures.HYPERVISOR)),
        "destroy",
        "undefine",
        "removeDisk");

    final Consumer<BootFromImageWorkflowTest> inject;
    final List<String> undos;

    Step(Consumer<BootFromImageWorkflowTest> inject, String... undos) {
      this.inject = inject;
      this.undos = List.of(undos);
    }
  }

  @ParameterizedTest
  @EnumSource(Step.class)
  void aFailureAtEachStepUndoesExactlyWhatWasDoneInReverseOrder(Step step) {
    imageOf("raw", 10 * MiB);
    step.inject.accept(this);
    assertThatThrownBy(() -> run(1, false))
        .isInstanceOf(WorkflowFailedException.class)
        .satisfies(
            e ->
                assertThat(WorkflowTestBed.failureType(e))
                    .isEqualTo(WorkflowTestBed.injectedType(e)));
    verifyUndos(step.undos);
  }

  /**
   * Convert path: the raw copy it created is removed when the conversion fails; no disk was made.
   */
  @Test
  void aFailedConversionRemovesTheRawCopy() {
    imageOf("vmdk", 3 * MiB);
    when(convert.convertImageInto(any(), any(), any())).thenThrow(bad(Failures.UNSAFE_IMAGE));
    assertThatThrownBy(() -> run(0, false))
        .satisfies(
            e -> assertThat(WorkflowTestBed.failureType(e)).isEqualTo(Failures.UNSAFE_IMAGE));
    verify(storage).removeImage(RbdRef.rawCopy(IMAGE), bed.operation(OWNER));
    verify(storage, never()).removeImage(eq(DISK), any());
    verify(storage, never()).cloneImage(any(), any(), any());
    verifyNoInteractions(hv);
  }

  @Test
  void cancellationWhileWaitingForTheGuestUndoesEverything() throws Exception {
    imageOf("raw", 10 * MiB);
    CountDownLatch waiting = new CountDownLatch(1);
    when(hv.waitRunning(SERVER))
        .thenAnswer(
            inv -> {
              waiting.countDown();
              Thread.sleep(2000);
              return DomainState.RUNNING;
            });
    BootFromImageWorkflow wf = bed.start(BootFromImageWorkflow.class, OWNER);
    WorkflowClient.start(
        wf::boot, new BootFromImageRequest(SERVER, WorkflowTestBed.HOST, IMAGE, 0, 0, 0, false));
    assertThat(waiting.await(10, TimeUnit.SECONDS)).isTrue();
    WorkflowStub.fromTyped(wf).cancel();
    assertThatThrownBy(() -> WorkflowStub.fromTyped(wf).getResult(ServerResult.class))
        .isInstanceOf(WorkflowFailedException.class)
        .hasCauseInstanceOf(CanceledFailure.class);
    verifyUndos(List.of("destroy", "undefine", "removeDisk"));
  }

  void verifyUndos(List<String> undos) {
    new UndoCheck(storage, hv)
        .undo(
            "destroy",
            o -> o.verify(hv).destroyDomain(SERVER),
            () -> verify(hv, never()).destroyDomain(any()))
        .undo(
            "undefine",
            o -> o.verify(hv).undefineDomain(SERVER),
            () -> verify(hv, never()).undefineDomain(any()))
        .undo(
            "removeDisk",
            o -> o.verify(storage).removeImage(DISK, bed.operation(OWNER)),
            () -> verify(storage, never()).removeImage(any(), any()))
        .verify(undos);
  }
}
