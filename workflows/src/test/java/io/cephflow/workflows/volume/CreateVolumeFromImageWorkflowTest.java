package io.cephflow.workflows.volume;

import static io.cephflow.workflows.testing.WorkflowTestBed.bad;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyMap;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import io.cephflow.workflows.common.Failures;
import io.cephflow.workflows.common.Provenance;
import io.cephflow.workflows.common.RbdRef;
import io.cephflow.workflows.common.SnapRef;
import io.cephflow.workflows.storage.ConvertActivities;
import io.cephflow.workflows.storage.StorageActivities;
import io.cephflow.workflows.storage.StorageActivities.ImageStat;
import io.cephflow.workflows.testing.WorkflowTestBed;
import io.temporal.client.WorkflowFailedException;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mockito.InOrder;

class CreateVolumeFromImageWorkflowTest {
  static final String VOLUME_ID = "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d";
  static final String IMAGE_ID = "2b3c4d5e-6f70-4b8c-9dae-1f2a3b4c5d6e";
  static final String OWNER = CreateVolumeFromImageWorkflow.workflowId(VOLUME_ID);
  static final RbdRef VOL = RbdRef.volume(VOLUME_ID);
  static final RbdRef IMAGE = RbdRef.image(IMAGE_ID);
  static final SnapRef IMAGE_SNAP = SnapRef.imageSnap(IMAGE_ID);

  final StorageActivities storage =
      mock(StorageActivities.class, withSettings().withoutAnnotations());
  final ConvertActivities convert =
      mock(ConvertActivities.class, withSettings().withoutAnnotations());
  final WorkflowTestBed bed =
      new WorkflowTestBed(CreateVolumeFromImageWorkflowImpl.class, storage, convert);

  @BeforeEach
  void cluster() {
    image("raw", null);
    when(storage.statImage(VOL)).thenReturn(new ImageStat(true, 1000, IMAGE_SNAP, 1, Map.of()));
  }

  void image(String format, String virtualSize) {
    Map<String, String> meta =
        format == null
            ? Map.of()
            : virtualSize == null
                ? Map.of(Provenance.FORMAT, format)
                : Map.of(Provenance.FORMAT, format, Provenance.VIRTUAL_SIZE, virtualSize);
    when(storage.statImage(IMAGE)).thenReturn(new ImageStat(true, 1000, null, 0, meta));
  }

  @AfterEach
  void close() {
    bed.close();
  }

  VolumeResult run(long size) {
    return bed.start(CreateVolumeFromImageWorkflow.class, OWNER)
        .create(new CreateVolumeFromImageRequest(VOLUME_ID, IMAGE_ID, size));
  }

  @Test
  void aRawImageIsClonedCopyOnWrite() {
    VolumeResult r = run(0);
    assertThat(r)
        .isEqualTo(
            new VolumeResult(
                VOLUME_ID, "volumes", "volume-" + VOLUME_ID, 1000, IMAGE_SNAP.toString(), 1));
    InOrder order = inOrder(storage);
    order.verify(storage).cloneImage(IMAGE_SNAP, VOL, bed.operation(OWNER));
    order.verify(storage).replaceProvenance(any(), anyMap(), anyList());
    verify(storage, never()).createImage(any(), anyLong(), anyString());
    verify(storage, never()).resizeImage(any(), anyLong(), anyBoolean());
    verify(convert, never()).convertImageInto(any(), any(), any());
    bed.recordHistory(OWNER, "create-volume-from-image-clone");
  }

  @Test
  void aLargerSizeResizesTheCloneAndASmallerOneIsRefusedBeforeAnything() {
    run(4096);
    verify(storage).resizeImage(VOL, 4096, false);
    bed.records().clear(); // as on a cluster where the first volume never was
    assertThatThrownBy(
            () ->
                bed.start(CreateVolumeFromImageWorkflow.class, OWNER + "-small")
                    .create(new CreateVolumeFromImageRequest(VOLUME_ID, IMAGE_ID, 999)))
        .satisfies(
            e -> assertThat(WorkflowTestBed.failureType(e)).isEqualTo(Failures.INVALID_REQUEST));
    verify(storage).cloneImage(any(), any(), any()); // the first run's only
  }

  @Test
  void anotherFormatIsConvertedOnceIntoTheImagesRawCopyOfItsVirtualSizeWhichTheVolumeClones() {
    image("qcow2", "5000");
    run(8000);
    InOrder order = inOrder(storage, convert);
    order.verify(storage).createImage(RbdRef.rawCopy(IMAGE_ID), 5000, bed.operation(OWNER));
    order.verify(convert).convertImageInto(IMAGE, "qcow2", RbdRef.rawCopy(IMAGE_ID));
    order.verify(storage).cloneImage(SnapRef.rawCopySnap(IMAGE_ID), VOL, bed.operation(OWNER));
    order.verify(storage).resizeImage(VOL, 8000, false);
    verify(storage, never()).createImage(org.mockito.ArgumentMatchers.eq(VOL), anyLong(), any());
  }

  @Test
  void anImageWithoutRecordedFormatIsNotFound() {
    image(null, null);
    assertThatThrownBy(() -> run(0))
        .satisfies(e -> assertThat(WorkflowTestBed.failureType(e)).isEqualTo(Failures.NOT_FOUND));
    verify(storage, never()).cloneImage(any(), any(), any());
    verify(storage, never()).removeImage(any(), any());
  }

  enum Step {
    INSPECT(
        "raw",
        t -> when(t.storage.statImage(IMAGE)).thenThrow(bad(Failures.PERMISSION_DENIED)),
        false),
    CLONE(
        "raw",
        t -> doThrow(bad(Failures.NO_SPACE)).when(t.storage).cloneImage(any(), any(), any()),
        true),
    CREATE(
        "qcow2",
        t ->
            doThrow(bad(Failures.CONFLICT))
                .when(t.storage)
                .createImage(any(), anyLong(), anyString()),
        true),
    CONVERT(
        "qcow2",
        t ->
            when(t.convert.convertImageInto(any(), any(), any()))
                .thenThrow(bad(Failures.UNSAFE_IMAGE)),
        true),
    RESIZE(
        "raw",
        t ->
            doThrow(bad(Failures.NO_SPACE))
                .when(t.storage)
                .resizeImage(any(), anyLong(), anyBoolean()),
        true),
    METADATA(
        "raw",
        t ->
            doThrow(bad(Failures.PERMISSION_DENIED))
                .when(t.storage)
                .replaceProvenance(any(), anyMap(), anyList()),
        true),
    RESULT(
        "raw",
        t -> when(t.storage.statImage(VOL)).thenThrow(bad(Failures.PERMISSION_DENIED)),
        true);

    final String format;
    final Consumer<CreateVolumeFromImageWorkflowTest> inject;
    final boolean removesVolume;

    Step(String format, Consumer<CreateVolumeFromImageWorkflowTest> inject, boolean removesVolume) {
      this.format = format;
      this.inject = inject;
      this.removesVolume = removesVolume;
    }
  }

  @ParameterizedTest
  @EnumSource(Step.class)
  void aFailureAtEachStepRemovesTheVolumeOnlyIfItsCreationWasAttempted(Step step) {
    image(step.format, "1000");
    step.inject.accept(this);
    assertThatThrownBy(() -> run(4096))
        .isInstanceOf(WorkflowFailedException.class)
        .satisfies(
            e ->
                assertThat(WorkflowTestBed.failureType(e))
                    .isEqualTo(WorkflowTestBed.injectedType(e)));
    if (step.removesVolume) {
      verify(storage).removeImage(VOL, bed.operation(OWNER));
    } else {
      verify(storage, never()).removeImage(any(), any());
    }
    verify(storage, never()).removeImage(IMAGE, bed.operation(OWNER));
    verify(storage, never()).deleteImage(any());
  }
}
