package io.cephflow.workflows.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import io.cephflow.workflows.storage.ConvertActivities;
import io.cephflow.workflows.storage.StorageActivities;
import io.cephflow.workflows.storage.StorageActivities.ImageStat;
import io.cephflow.workflows.testing.WorkflowTestBed;
import io.cephflow.workflows.volume.CreateVolumeFromImageRequest;
import io.cephflow.workflows.volume.CreateVolumeFromImageWorkflow;
import io.cephflow.workflows.volume.CreateVolumeFromImageWorkflowImpl;
import io.cephflow.workflows.volume.VolumeResult;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.CanceledFailure;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The short steps run as local activities ({@link Steps}): inside the flow's workflow task; the
 * steps that make something stay normal activities, and a cancel still waits for the step that
 * runs, so its undo never races it.
 */
class StepsTest {
  static final String VOLUME_ID = "6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d";
  static final String IMAGE_ID = "7b8c9d0e-1f2a-4b3c-9d4e-5f6a7b8c9d0e";
  static final RbdRef VOL = RbdRef.volume(VOLUME_ID);
  static final RbdRef IMAGE = RbdRef.image(IMAGE_ID);
  static final String ID = CreateVolumeFromImageWorkflow.workflowId(VOLUME_ID);

  final StorageActivities storage =
      mock(StorageActivities.class, withSettings().withoutAnnotations());
  final ConvertActivities convert =
      mock(ConvertActivities.class, withSettings().withoutAnnotations());
  final WorkflowTestBed bed =
      new WorkflowTestBed(CreateVolumeFromImageWorkflowImpl.class, storage, convert);
  final List<String> calls = new CopyOnWriteArrayList<>();

  @AfterEach
  void close() {
    bed.close();
  }

  void rawImage() {
    when(storage.statImage(IMAGE))
        .thenReturn(new ImageStat(true, 1000, null, 0, Map.of(Provenance.FORMAT, "raw")));
    when(storage.statImage(VOL))
        .thenReturn(new ImageStat(true, 1000, SnapRef.imageSnap(IMAGE_ID), 1, Map.of()));
  }

  @Test
  void theShortStepsRunInsideTheWorkflowTasksAsLocalActivities() {
    rawImage();
    CreateVolumeFromImageWorkflow wf = bed.start(CreateVolumeFromImageWorkflow.class, ID);
    VolumeResult r = wf.create(new CreateVolumeFromImageRequest(VOLUME_ID, IMAGE_ID, 0));
    assertThat(r.volumeId()).isEqualTo(VOLUME_ID);
    List<HistoryEvent> events = bed.env().getWorkflowClient().fetchHistory(ID).getEvents();
    long scheduled =
        events.stream()
            .filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
            .count();
    long local =
        events.stream()
            .filter(e -> e.hasMarkerRecordedEventAttributes())
            .filter(
                e -> "LocalActivity".equals(e.getMarkerRecordedEventAttributes().getMarkerName()))
            .count();
    // claim, stat, hold, provenance, settle, let go: local; the clone, which makes the volume, is
    // the one round trip
    assertThat(scheduled).isEqualTo(1);
    assertThat(local).isGreaterThanOrEqualTo(5);
    assertThat(
            events.stream()
                .filter(e -> e.hasActivityTaskScheduledEventAttributes())
                .map(e -> e.getActivityTaskScheduledEventAttributes().getActivityType().getName()))
        .containsExactly("CloneImage");
  }

  /**
   * A flow terminated while its workflow task runs a local step: the worker runs the task on
   * (temporalio/sdk-java#1563), but the step that would make the volume is a normal activity, which
   * the server never starts for an ended flow. (Version 1 cloned here, after the terminate, when
   * the delete that followed it may have looked already: LifecycleModelTest.)
   */
  @Test
  void aFlowTerminatedInALocalStepMakesNothingAfterwards() throws Exception {
    CountDownLatch statting = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch cloned = new CountDownLatch(1);
    when(storage.statImage(IMAGE))
        .thenAnswer(
            inv -> {
              statting.countDown();
              release.await(20, TimeUnit.SECONDS);
              return new ImageStat(true, 1000, null, 0, Map.of(Provenance.FORMAT, "raw"));
            });
    doAnswer(
            inv -> {
              cloned.countDown();
              return null;
            })
        .when(storage)
        .cloneImage(any(), any(), anyString());
    CreateVolumeFromImageWorkflow wf = bed.start(CreateVolumeFromImageWorkflow.class, ID);
    WorkflowClient.start(wf::create, new CreateVolumeFromImageRequest(VOLUME_ID, IMAGE_ID, 0));
    assertThat(statting.await(20, TimeUnit.SECONDS)).isTrue();
    WorkflowStub.fromTyped(wf).terminate("test: terminated in a local step");
    release.countDown();
    // the steps after the stat follow within milliseconds when they are local
    assertThat(cloned.await(2, TimeUnit.SECONDS)).as("cloned after the terminate").isFalse();
  }

  @Test
  void aCancelWaitsForTheRunningCloneBeforeItsUndo() throws Exception {
    rawImage();
    CountDownLatch cloning = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    doAnswer(
            inv -> {
              calls.add("clone started");
              cloning.countDown();
              release.await(20, TimeUnit.SECONDS);
              calls.add("clone done");
              return null;
            })
        .when(storage)
        .cloneImage(any(), any(), anyString());
    doAnswer(
            inv -> {
              calls.add("remove");
              return null;
            })
        .when(storage)
        .removeImage(any(), anyString());
    CreateVolumeFromImageWorkflow wf = bed.start(CreateVolumeFromImageWorkflow.class, ID);
    WorkflowClient.start(wf::create, new CreateVolumeFromImageRequest(VOLUME_ID, IMAGE_ID, 0));
    assertThat(cloning.await(20, TimeUnit.SECONDS)).isTrue();
    WorkflowStub.fromTyped(wf).cancel();
    Thread.sleep(300); // would be long enough for an abandoned step's undo to run
    assertThat(calls).as("nothing undone while the clone runs").containsExactly("clone started");
    release.countDown();

    assertThatThrownBy(() -> WorkflowStub.fromTyped(wf).getResult(VolumeResult.class))
        .isInstanceOf(WorkflowFailedException.class)
        .hasCauseInstanceOf(CanceledFailure.class);
    // the clone ran, and was removed after it returned
    assertThat(calls).last().isEqualTo("remove");
    assertThat(calls.lastIndexOf("clone done")).isGreaterThan(calls.lastIndexOf("clone started"));
    assertThat(calls.indexOf("remove")).isGreaterThan(calls.lastIndexOf("clone done"));
    assertThat(bed.records().get("volume", VOLUME_ID)).as("the id is given back").isNull();
  }
}
