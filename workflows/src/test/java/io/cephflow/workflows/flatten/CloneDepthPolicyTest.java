package io.cephflow.workflows.flatten;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cephflow.workflows.common.RbdRef;
import io.cephflow.workflows.common.SnapRef;
import io.cephflow.workflows.volume.VolumeFromSnapshotRequest;
import io.cephflow.workflows.volume.VolumeFromSnapshotWorkflow;
import io.cephflow.workflows.volume.VolumeFromSnapshotWorkflowImpl;
import io.cephflow.workflows.volume.VolumeResult;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The per-pool soft/hard policy, on the flow that had the only depth check before (volume from
 * snapshot).
 */
class CloneDepthPolicyTest {
  static final String BASE = "0b6f6c1e-5a1d-4c1e-9d51-0c7f1a2b3c4d";
  static final String SOURCE = "1c7a7d2f-6b2e-4d2f-8e62-1d8f2b3c4d5e";
  static final String SNAP = "2d8b8e3a-7c3f-4e3a-9f73-2e9a3c4d5e6f";
  final FlattenBed bed = new FlattenBed(null, VolumeFromSnapshotWorkflowImpl.class);

  @AfterEach
  void close() {
    bed.close();
  }

  @Test
  void limitsDecideByDepthAndRefuseNonsense() {
    DepthLimits l = DepthLimits.DEFAULTS;
    assertThat(l.decide(4)).isEqualTo(CloneFlatten.NONE);
    assertThat(l.decide(5)).isEqualTo(CloneFlatten.IN_BACKGROUND);
    assertThat(l.decide(8)).isEqualTo(CloneFlatten.IN_BACKGROUND);
    assertThat(l.decide(9)).isEqualTo(CloneFlatten.BEFORE_RETURN);
    assertThatThrownBy(() -> new DepthLimits(5, 4)).hasMessageContaining("soft <= hard");
    assertThatThrownBy(() -> new DepthLimits(0, 4)).isInstanceOf(IllegalArgumentException.class);
    assertThat(new FlattenSettings(3, Map.of("vms", new DepthLimits(1, 2))).limitsFor("volumes"))
        .isEqualTo(DepthLimits.DEFAULTS);
  }

  /** {@code volumes/volume-SOURCE@snapshot-SNAP} at clone depth {@code depth}. */
  SnapRef sourceAtDepth(int depth) {
    bed.image(BASE);
    SnapRef parent = depth == 1 ? SnapRef.imageSnap(BASE) : bed.chain(BASE, depth - 1);
    RbdRef source = RbdRef.volume(SOURCE);
    bed.ceph.cloneImage(parent, source, "test");
    SnapRef snap = new SnapRef(source, "snapshot-" + SNAP);
    bed.ceph.createSnapshot(snap);
    bed.ceph.protectSnapshot(snap);
    return snap;
  }

  VolumeResult volumeFromSnapshot(String volumeId) {
    return bed.stub(
            VolumeFromSnapshotWorkflow.class, VolumeFromSnapshotWorkflow.workflowId(volumeId))
        .create(new VolumeFromSnapshotRequest(volumeId, SOURCE, SNAP, 0, null, 0));
  }

  boolean flattenStarted(RbdRef ref) {
    try {
      var status =
          bed.env()
              .getWorkflowClient()
              .getWorkflowServiceStubs()
              .blockingStub()
              .describeWorkflowExecution(
                  DescribeWorkflowExecutionRequest.newBuilder()
                      .setNamespace("default")
                      .setExecution(
                          WorkflowExecution.newBuilder()
                              .setWorkflowId(FlattenWorkflow.workflowId(ref)))
                      .build())
              .getWorkflowExecutionInfo()
              .getStatus();
      return status != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_UNSPECIFIED;
    } catch (StatusRuntimeException e) {
      return false;
    }
  }

  @Test
  void withinTheSoftLimitNothingIsFlattened() {
    sourceAtDepth(3);
    String v = UUID.randomUUID().toString();
    VolumeResult r = volumeFromSnapshot(v);
    assertThat(r.cloneDepth()).isEqualTo(4);
    assertThat(flattenStarted(RbdRef.volume(v))).isFalse();
    assertThat(bed.hasParent(RbdRef.volume(v))).isTrue();
  }

  @Test
  void aboveTheSoftLimitTheCloneReturnsAtOnceAndIsFlattenedInTheBackground() {
    sourceAtDepth(4);
    String v = UUID.randomUUID().toString();
    RbdRef volume = RbdRef.volume(v);
    VolumeResult r = volumeFromSnapshot(v);
    // returned as a clone (depth 5 > soft 4): its flatten runs after the flow
    assertThat(r.cloneDepth()).isEqualTo(5);
    assertThat(r.parent()).isEqualTo(volume("volume-" + SOURCE) + "@snapshot-" + SNAP);
    FlattenResult f =
        bed.env()
            .getWorkflowClient()
            .newUntypedWorkflowStub(FlattenWorkflow.workflowId(volume))
            .getResult(FlattenResult.class);
    assertThat(f.outcome()).isEqualTo("flattened");
    assertThat(bed.hasParent(volume)).isFalse();
    bed.recordHistory(
        VolumeFromSnapshotWorkflow.workflowId(v), "volume-from-snapshot-depth-policy");
  }

  @Test
  void aboveTheHardLimitTheCloneIsFlattenedBeforeTheFlowReturns() {
    sourceAtDepth(8);
    String v = UUID.randomUUID().toString();
    VolumeResult r = volumeFromSnapshot(v);
    assertThat(r.parent()).isNull();
    assertThat(r.cloneDepth()).isZero();
    assertThat(bed.flattenCalls(RbdRef.volume(v))).isEqualTo(1);
  }

  @Test
  void thePoolsOwnLimitsApply() {
    FlattenSettings.install(new FlattenSettings(2, Map.of("volumes", new DepthLimits(1, 2))));
    sourceAtDepth(2);
    String v = UUID.randomUUID().toString();
    assertThat(volumeFromSnapshot(v).parent()).isNull();
  }

  static String volume(String name) {
    return "volumes/" + name;
  }
}
