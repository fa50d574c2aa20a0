package io.cephflow.workflows.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import io.cephflow.workflows.common.Failures;
import io.cephflow.workflows.common.OperationProgress;
import io.cephflow.workflows.common.RbdRef;
import io.cephflow.workflows.hypervisor.DomainState;
import io.cephflow.workflows.hypervisor.HypervisorActivities;
import io.cephflow.workflows.hypervisor.ServerDomain;
import io.cephflow.workflows.storage.StorageActivities;
import io.cephflow.workflows.storage.StorageActivities.ImageStat;
import io.cephflow.workflows.testing.UndoCheck;
import io.cephflow.workflows.testing.WorkflowTestBed;
import io.cephflow.workflows.volume.VolumeFromSnapshotRequest;
import io.cephflow.workflows.volume.VolumeFromSnapshotWorkflow;
import io.cephflow.workflows.volume.VolumeResult;
import io.temporal.client.WorkflowFailedException;
import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** BootFromVolume and BootFromVolumeSnapshot (with a fake VolumeFromSnapshot child). */
class BootFromVolumeWorkflowsTest {
  static final String SERVER = "5d0c2c1e-0e55-4b8f-9a3c-1f7a1c1f0a01";
  static final String VOLUME = "3c9f0a6e-1d2b-4c3d-8e4f-5a6b7c8d9e01";
  static final String SNAPSHOT = "4d0a1b7f-2e3c-4d4e-9f50-6b7c8d9e0f12";
  static final String NEW_VOLUME = "6e1b2c80-3f4d-4e5f-a061-7c8d9e0f1a23";
  static final String SECRET = "7f1c3a52-7a55-4c8e-9d55-3c1c4f0d1e22";
  static final RbdRef NEW = RbdRef.volume(NEW_VOLUME);
  static final String CHILD_ID = VolumeFromSnapshotWorkflow.workflowId(NEW_VOLUME);

  /** What the fake child saw, and whether it should fail. */
  static final List<VolumeFromSnapshotRequest> childRequests =
      Collections.synchronizedList(new ArrayList<>());

  static volatile boolean childFails;

  public static class FakeVolumeFromSnapshot implements VolumeFromSnapshotWorkflow {
    @Override
    public VolumeResult create(VolumeFromSnapshotRequest request) {
      childRequests.add(request);
      if (childFails)
        throw ApplicationFailure.newNonRetryableFailure("injected", Failures.NOT_FOUND);
      return new VolumeResult(
          request.volumeId(),
          "volumes",
          "volume-" + request.volumeId(),
          1 << 20,
          "volumes/volume-" + request.sourceVolumeId() + "@snapshot-" + request.snapshotId(),
          1);
    }

    @Override
    public OperationProgress progress() {
      return OperationProgress.at("done");
    }
  }

  final StorageActivities storage =
      mock(StorageActivities.class, withSettings().withoutAnnotations());
  final HypervisorActivities hv =
      mock(HypervisorActivities.class, withSettings().withoutAnnotations());
  final WorkflowTestBed bed =
      WorkflowTestBed.withHypervisor(
          List.of(
              BootFromVolumeWorkflowImpl.class,
              BootFromVolumeSnapshotWorkflowImpl.class,
              FakeVolumeFromSnapshot.class),
          hv,
          storage);

  @org.junit.jupiter.api.BeforeEach
  void theSourceSnapshotExists() {
    when(storage.listSnapshots(RbdRef.volume(VOLUME)))
        .thenReturn(
            List.of(new StorageActivities.SnapshotStat("snapshot-" + SNAPSHOT, 1 << 20, true)));
  }

  @Test
  void aMissingSourceSnapshotIsRefusedBeforeTheChildStarts() {
    when(storage.listSnapshots(RbdRef.volume(VOLUME))).thenReturn(List.of());
    assertThatThrownBy(this::bootFromSnapshot)
        .satisfies(e -> assertThat(WorkflowTestBed.failureType(e)).isEqualTo(Failures.NOT_FOUND));
    assertThat(childRequests).isEmpty();
    verifyNoInteractions(hv);
  }

  @AfterEach
  void close() {
    bed.close();
    childRequests.clear();
    childFails = false;
  }

  void hypervisorWorks() {
    when(hv.ensureSecret()).thenReturn(SECRET);
    when(hv.waitRunning(SERVER)).thenReturn(DomainState.RUNNING);
  }

  ServerResult bootFromVolume() {
    return bed.start(BootFromVolumeWorkflow.class, BootFromVolumeWorkflow.workflowId(SERVER))
        .boot(new BootFromVolumeRequest(SERVER, WorkflowTestBed.HOST, VOLUME, 2, 128));
  }

  ServerResult bootFromSnapshot() {
    return bed.start(
            BootFromVolumeSnapshotWorkflow.class, BootFromVolumeSnapshotWorkflow.workflowId(SERVER))
        .boot(
            new BootFromVolumeSnapshotRequest(
                SERVER, WorkflowTestBed.HOST, VOLUME, SNAPSHOT, NEW_VOLUME, 2, 0, 0));
  }

  @Test
  void bootsOverTheExistingVolumeWithoutStorageSteps() {
    hypervisorWorks();
    when(storage.statImage(RbdRef.volume(VOLUME)))
        .thenReturn(new ImageStat(true, 1 << 20, null, 0, Map.of()));
    assertThat(bootFromVolume().bootDisk()).isEqualTo("volumes/volume-" + VOLUME);
    verify(hv)
        .defineDomain(
            new ServerDomain(
                SERVER,
                2,
                128,
                List.of(RbdRef.volume(VOLUME)),
                SECRET,
                Map.of(
                    "volume-id",
                    VOLUME,
                    "workflow-id",
                    BootFromVolumeWorkflow.workflowId(SERVER))));
    verify(storage, never()).removeImage(any(), any());
    verify(storage, never()).cloneImage(any(), any(), any());
    bed.recordHistory(BootFromVolumeWorkflow.workflowId(SERVER), "boot-from-volume");
  }

  @Test
  void aMissingVolumeIsNotFoundAndNoDomainIsDefined() {
    when(storage.statImage(any())).thenReturn(new ImageStat(false, 0, null, 0, Map.of()));
    assertThatThrownBy(this::bootFromVolume)
        .satisfies(e -> assertThat(WorkflowTestBed.failureType(e)).isEqualTo(Failures.NOT_FOUND));
    verifyNoInteractions(hv);
  }

  /** The domain steps every boot ends with, how each fails, and the domain undos it runs. */
  enum DomainStep {
    SECRET(t -> when(t.hv.ensureSecret()).thenThrow(injected())),
    DEFINE(t -> when(t.hv.defineDomain(any())).thenThrow(injected()), "undefine"),
    START(t -> when(t.hv.startDomain(anyString())).thenThrow(injected()), "destroy", "undefine"),
    WAIT(t -> when(t.hv.waitRunning(anyString())).thenThrow(injected()), "destroy", "undefine");

    final Consumer<BootFromVolumeWorkflowsTest> inject;
    final List<String> undos;

    DomainStep(Consumer<BootFromVolumeWorkflowsTest> inject, String... undos) {
      this.inject = inject;
      this.undos = List.of(undos);
    }

    static ApplicationFailure injected() {
      return ApplicationFailure.newNonRetryableFailure("injected", Failures.HYPERVISOR);
    }
  }

  /** The undos of both boots: the domain's, then the new volume (BootFromVolumeSnapshot only). */
  UndoCheck undos() {
    return new UndoCheck(hv, storage)
        .undo(
            "destroy",
            o -> o.verify(hv).destroyDomain(SERVER),
            () -> verify(hv, never()).destroyDomain(any()))
        .undo(
            "undefine",
            o -> o.verify(hv).undefineDomain(SERVER),
            () -> verify(hv, never()).undefineDomain(any()))
        .undo(
            "removeNewVolume",
            o -> o.verify(storage).removeImage(NEW, bed.operation(CHILD_ID)),
            () -> verify(storage, never()).removeImage(any(), any()));
  }

  @ParameterizedTest
  @EnumSource(
      value = DomainStep.class,
      names = {"DEFINE", "START", "WAIT"})
  void aFailedDomainStepNeverTouchesTheVolume(DomainStep step) {
    hypervisorWorks();
    when(storage.statImage(any())).thenReturn(new ImageStat(true, 1 << 20, null, 0, Map.of()));
    step.inject.accept(this);
    assertThatThrownBy(this::bootFromVolume).isInstanceOf(WorkflowFailedException.class);
    undos().verify(step.undos);
  }

  @Test
  void bootsFromANewVolumeMadeByTheChildWorkflow() {
    hypervisorWorks();
    ServerResult r = bootFromSnapshot();
    assertThat(r.bootDisk()).isEqualTo("volumes/volume-" + NEW_VOLUME);
    assertThat(r.volumeId())
        .as("the result names the volume the boot created")
        .isEqualTo(NEW_VOLUME);
    assertThat(childRequests)
        .containsExactly(
            new VolumeFromSnapshotRequest(NEW_VOLUME, VOLUME, SNAPSHOT, 2L << 30, null, 0));
    assertThat(
            bed.env()
                .getWorkflowClient()
                .newUntypedWorkflowStub(CHILD_ID)
                .getResult(VolumeResult.class)
                .volumeId())
        .isEqualTo(NEW_VOLUME);
    verify(hv)
        .defineDomain(
            new ServerDomain(
                SERVER,
                0,
                0,
                List.of(NEW),
                SECRET,
                Map.of(
                    "volume-id",
                    NEW_VOLUME,
                    "workflow-id",
                    BootFromVolumeSnapshotWorkflow.workflowId(SERVER))));
    verify(storage, never()).removeImage(any(), any());
    bed.recordHistory(
        BootFromVolumeSnapshotWorkflow.workflowId(SERVER), "boot-from-volume-snapshot");
  }

  @Test
  void aFailedChildUndoesItselfAndTheParentRemovesNoVolume() {
    childFails = true;
    assertThatThrownBy(this::bootFromSnapshot)
        .satisfies(e -> assertThat(WorkflowTestBed.injectedType(e)).isEqualTo(Failures.NOT_FOUND));
    // the child's own compensation owns its undo: the parent never removes a volume it did not see
    // made
    verify(storage, never()).removeImage(any(), any());
    verifyNoInteractions(hv);
  }

  @ParameterizedTest
  @EnumSource(DomainStep.class)
  void aFailedDomainStepUndoesTheDomainThenTheNewVolume(DomainStep step) {
    hypervisorWorks();
    step.inject.accept(this);
    assertThatThrownBy(this::bootFromSnapshot).isInstanceOf(WorkflowFailedException.class);
    List<String> undos = new ArrayList<>(step.undos);
    undos.add("removeNewVolume");
    undos().verify(undos);
    verify(storage, never()).removeImage(RbdRef.volume(VOLUME), bed.operation(CHILD_ID));
  }
}
