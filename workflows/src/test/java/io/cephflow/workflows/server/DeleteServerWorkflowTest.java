package io.cephflow.workflows.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import io.cephflow.workflows.common.Failures;
import io.cephflow.workflows.common.RbdRef;
import io.cephflow.workflows.common.ResourceRecord;
import io.cephflow.workflows.hypervisor.HypervisorActivities;
import io.cephflow.workflows.hypervisor.ShutdownOutcome;
import io.cephflow.workflows.storage.StorageActivities;
import io.cephflow.workflows.storage.StorageActivities.ImageStat;
import io.cephflow.workflows.testing.WorkflowTestBed;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;

class DeleteServerWorkflowTest {
  static final String SERVER = "5d0c2c1e-0e55-4b8f-9a3c-1f7a1c1f0a01";
  static final RbdRef DISK = RbdRef.serverDisk(SERVER);
  static final ImageStat PRESENT = new ImageStat(true, 1 << 20, null, 1, Map.of());
  static final ImageStat ABSENT = new ImageStat(false, 0, null, 0, Map.of());

  final StorageActivities storage =
      mock(StorageActivities.class, withSettings().withoutAnnotations());
  final HypervisorActivities hv =
      mock(HypervisorActivities.class, withSettings().withoutAnnotations());
  final WorkflowTestBed bed =
      WorkflowTestBed.withHypervisor(List.of(DeleteServerWorkflowImpl.class), hv, storage);

  static final String BOOT = BootFromImageWorkflow.workflowId(SERVER) + "@run-1";
  static final String VOLUME = "5d0c2c1e-0e55-4b8f-9a3c-1f7a1c1f0a02";

  @org.junit.jupiter.api.BeforeEach
  void aBootedServer() {
    bed.records().put("server", SERVER, ResourceRecord.State.AVAILABLE, BOOT, "image:x", null);
  }

  @AfterEach
  void close() {
    bed.close();
  }

  DeleteServerResult run() {
    return bed.start(DeleteServerWorkflow.class, DeleteServerWorkflow.workflowId(SERVER))
        .delete(new DeleteServerRequest(SERVER, WorkflowTestBed.HOST, 5));
  }

  @Test
  void shutsDownUndefinesAndRemovesOnlyTheDiskTheBootFlowCreated() {
    when(hv.shutdownDomain(SERVER, 5)).thenReturn(ShutdownOutcome.DESTROYED);
    when(storage.statImage(DISK)).thenReturn(PRESENT, PRESENT, ABSENT);
    assertThat(run()).isEqualTo(new DeleteServerResult(SERVER, "DESTROYED", true, null));
    assertThat(bed.records().get("server", SERVER).state()).isEqualTo(ResourceRecord.State.DELETED);
    InOrder order = inOrder(hv, storage);
    order.verify(hv).shutdownDomain(SERVER, 5);
    order.verify(hv).destroyDomain(SERVER);
    order.verify(hv).undefineDomain(SERVER);
    order.verify(storage).removeImage(DISK, BOOT);
    bed.recordHistory(DeleteServerWorkflow.workflowId(SERVER), "delete-server");
  }

  /**
   * The server's disk is its volume: the delete removes the domain and, as the boot that made it,
   * only a disk in {@code vms} (none here), never the volume (by neither remove nor delete), and
   * frees the volume for another server.
   */
  @Test
  void aServerBootedFromAVolumeKeepsItsVolumeAndFreesIt() {
    RbdRef volume = RbdRef.volume(VOLUME);
    bed.records()
        .put("server", SERVER, ResourceRecord.State.AVAILABLE, BOOT, "volume:" + VOLUME, null);
    bed.records()
        .put(
            "volume",
            VOLUME,
            ResourceRecord.State.IN_USE,
            "volume-create-v@r",
            null,
            "server:" + SERVER);
    when(hv.shutdownDomain(anyString(), anyLong())).thenReturn(ShutdownOutcome.GRACEFUL);
    when(storage.statImage(DISK)).thenReturn(ABSENT);
    when(storage.statImage(volume)).thenReturn(PRESENT);
    DeleteServerResult result = run();
    assertThat(result).isEqualTo(new DeleteServerResult(SERVER, "GRACEFUL", false, VOLUME));
    ResourceRecord freed = bed.records().get("volume", VOLUME);
    assertThat(freed.state()).isEqualTo(ResourceRecord.State.AVAILABLE);
    assertThat(freed.usedBy()).isNull();
    verify(hv).undefineDomain(SERVER);
    // the only storage change: the (absent) server disk, as the boot's operation
    verify(storage).removeImage(DISK, BOOT);
    verify(storage, never()).removeImage(argThat(r -> !r.equals(DISK)), any());
    verify(storage, never()).deleteImage(any());
    verify(storage, never()).flattenImage(any());
    verify(storage, never()).removeSnapshot(any());
  }

  @Test
  void aDiskWithDependentClonesFailsTypedAfterTheDomainIsGone() {
    when(hv.shutdownDomain(anyString(), anyLong())).thenReturn(ShutdownOutcome.ALREADY_OFF);
    when(storage.statImage(DISK)).thenReturn(PRESENT);
    org.mockito.Mockito.doThrow(
            ApplicationFailure.newNonRetryableFailure("has clones", Failures.IN_USE))
        .when(storage)
        .removeImage(any(), any());
    assertThatThrownBy(this::run)
        .satisfies(e -> assertThat(WorkflowTestBed.failureType(e)).isEqualTo(Failures.IN_USE));
    verify(hv).undefineDomain(SERVER);
  }

  @Test
  void aServerThatNeverExistedIsNotFoundAndNothingIsTouched() {
    String other = "5d0c2c1e-0e55-4b8f-9a3c-1f7a1c1f0a09";
    when(storage.statImage(any())).thenReturn(ABSENT);
    assertThatThrownBy(
            () ->
                bed.start(DeleteServerWorkflow.class, DeleteServerWorkflow.workflowId(other))
                    .delete(new DeleteServerRequest(other, WorkflowTestBed.HOST, 5)))
        .satisfies(e -> assertThat(WorkflowTestBed.failureType(e)).isEqualTo(Failures.NOT_FOUND));
    verify(hv, never()).shutdownDomain(anyString(), anyLong());
    verify(storage, never()).removeImage(any(), any());
  }

  @Test
  void anUnreachableHypervisorFailsBeforeTheDiskIsTouched() {
    when(storage.statImage(DISK)).thenReturn(ABSENT);
    when(hv.shutdownDomain(anyString(), anyLong()))
        .thenThrow(ApplicationFailure.newNonRetryableFailure("injected", Failures.HYPERVISOR));
    assertThatThrownBy(this::run)
        .satisfies(e -> assertThat(WorkflowTestBed.failureType(e)).isEqualTo(Failures.HYPERVISOR));
    verify(storage, never()).removeImage(any(), any());
  }
}
