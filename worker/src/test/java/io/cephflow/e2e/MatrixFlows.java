package io.cephflow.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.cephflow.ceph.CephTestCluster;
import io.cephflow.starter.client.CephflowClient;
import io.cephflow.workflows.image.DeleteImageRequest;
import io.cephflow.workflows.image.DeleteImageWorkflow;
import io.cephflow.workflows.image.UploadImageRequest;
import io.cephflow.workflows.image.UploadImageWorkflow;
import io.cephflow.workflows.server.BootFromImageRequest;
import io.cephflow.workflows.server.BootFromImageWorkflow;
import io.cephflow.workflows.server.BootFromVolumeRequest;
import io.cephflow.workflows.server.BootFromVolumeSnapshotRequest;
import io.cephflow.workflows.server.BootFromVolumeSnapshotWorkflow;
import io.cephflow.workflows.server.BootFromVolumeWorkflow;
import io.cephflow.workflows.server.CreateImageFromServerRequest;
import io.cephflow.workflows.server.CreateImageFromServerWorkflow;
import io.cephflow.workflows.server.DeleteServerRequest;
import io.cephflow.workflows.server.DeleteServerWorkflow;
import io.cephflow.workflows.volume.CreateVolumeFromImageRequest;
import io.cephflow.workflows.volume.CreateVolumeFromImageWorkflow;
import io.cephflow.workflows.volume.CreateVolumeSnapshotRequest;
import io.cephflow.workflows.volume.CreateVolumeSnapshotWorkflow;
import io.cephflow.workflows.volume.DeleteVolumeRequest;
import io.cephflow.workflows.volume.DeleteVolumeSnapshotRequest;
import io.cephflow.workflows.volume.DeleteVolumeSnapshotWorkflow;
import io.cephflow.workflows.volume.DeleteVolumeWorkflow;
import io.cephflow.workflows.volume.VolumeFromSnapshotRequest;
import io.cephflow.workflows.volume.VolumeFromSnapshotWorkflow;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The flow types the terminate and the kill matrices run ({@link TerminateMatrixIT}, {@link
 * KillMatrixIT}), one of each of the twelve flows (two uploads, two boots from an image): each is
 * made ready first (what it works on made through completed flows), then started by the matrix, its
 * new ids taken from the matrix's cell.
 */
final class MatrixFlows {
  /** Where a flow takes its new ids from: the matrix's cell. */
  interface Ids {
    String next();
  }

  /** A flow made ready: its workflow ids (the first the flow's own), and its start. */
  record Prepared(List<String> workflowIds, Runnable start) {
    String op() {
      return workflowIds.get(0);
    }
  }

  record FlowType(String name, Function<Ids, Prepared> prepare) {}

  private final CephflowClient client;
  private final Path raw, qcow2;

  /** Every flow type, in the order the matrices number them. */
  final List<FlowType> flows;

  /** The shared resources every matrix round works from: {@link #makeShared}. */
  String rawImage, server, volume, snapshot;

  /** A 1 MiB bootable raw disk and its qcow2 copy in {@code dir}, the uploads' sources. */
  MatrixFlows(CephflowClient client, Path dir) throws Exception {
    this.client = client;
    raw = ServerIts.bootDisk(dir, ServerIts.newTag(), 1 << 20);
    qcow2 = dir.resolve("boot.qcow2");
    CephTestCluster.run(
        List.of(
            "qemu-img", "convert", "-f", "raw", "-O", "qcow2", raw.toString(), qcow2.toString()));
    flows = catalogue();
  }

  /** Makes the shared resources through completed flows: an image, a server, a volume, a snap. */
  void makeShared(Ids ids) {
    rawImage = uploaded(ids, "raw");
    server = ids.next();
    done(bootImage(server, rawImage));
    volume = ids.next();
    done(volumeFromImage(volume, rawImage));
    snapshot = ids.next();
    done(snapshotOf(volume, snapshot));
  }

  List<String> sharedIds() {
    return List.of(rawImage, server, volume, snapshot);
  }

  /** Waits for the operation (three minutes at most); it must have COMPLETED. */
  String done(String op) {
    var s = client.await(op, 3, TimeUnit.MINUTES);
    assertThat(s.status()).as("%s: %s", op, s).isEqualTo("COMPLETED");
    return op;
  }

  private String upload(String id, Path source, String format) {
    return client.uploadImage(
        new UploadImageRequest(id, "matrix", source.toString(), format, null, null));
  }

  private String uploaded(Ids ids, String format) {
    String id = ids.next();
    done(upload(id, format.equals("raw") ? raw : qcow2, format));
    return id;
  }

  private String bootImage(String serverId, String imageId) {
    return client.bootFromImage(new BootFromImageRequest(serverId, null, imageId, 0, 0, 0, false));
  }

  private String volumeFromImage(String volumeId, String imageId) {
    return client.createVolumeFromImage(new CreateVolumeFromImageRequest(volumeId, imageId, 0));
  }

  private String snapshotOf(String volumeId, String snapshotId) {
    return client.createVolumeSnapshot(new CreateVolumeSnapshotRequest(volumeId, snapshotId));
  }

  private static Prepared flow(String workflowId, Runnable start) {
    return new Prepared(List.of(workflowId), start);
  }

  private List<FlowType> catalogue() {
    return List.of(
        new FlowType(
            "upload raw",
            ids -> {
              String i = ids.next();
              return flow(UploadImageWorkflow.workflowId(i), () -> upload(i, raw, "raw"));
            }),
        new FlowType(
            "upload qcow2 (staged)",
            ids -> {
              String i = ids.next();
              return flow(UploadImageWorkflow.workflowId(i), () -> upload(i, qcow2, "qcow2"));
            }),
        new FlowType(
            "boot from image (clone)",
            ids -> {
              String s = ids.next();
              return flow(BootFromImageWorkflow.workflowId(s), () -> bootImage(s, rawImage));
            }),
        new FlowType(
            "boot from image (convert once)",
            ids -> {
              String q = uploaded(ids, "qcow2");
              String s = ids.next();
              return flow(BootFromImageWorkflow.workflowId(s), () -> bootImage(s, q));
            }),
        new FlowType(
            "image from server",
            ids -> {
              String i = ids.next();
              return flow(
                  CreateImageFromServerWorkflow.workflowId(i),
                  () ->
                      client.createImageFromServer(
                          new CreateImageFromServerRequest(server, null, i, "matrix-snap")));
            }),
        new FlowType(
            "volume from image",
            ids -> {
              String v = ids.next();
              return flow(
                  CreateVolumeFromImageWorkflow.workflowId(v), () -> volumeFromImage(v, rawImage));
            }),
        new FlowType(
            "volume snapshot",
            ids -> {
              String s = ids.next();
              return flow(CreateVolumeSnapshotWorkflow.workflowId(s), () -> snapshotOf(volume, s));
            }),
        new FlowType(
            "volume from snapshot",
            ids -> {
              String v = ids.next();
              return flow(
                  VolumeFromSnapshotWorkflow.workflowId(v),
                  () ->
                      client.createVolumeFromSnapshot(
                          new VolumeFromSnapshotRequest(v, volume, snapshot, 0, null, 0)));
            }),
        new FlowType(
            "boot from volume",
            ids -> {
              String v = ids.next();
              done(volumeFromImage(v, rawImage));
              String s = ids.next();
              return flow(
                  BootFromVolumeWorkflow.workflowId(s),
                  () -> client.bootFromVolume(new BootFromVolumeRequest(s, null, v, 0, 0)));
            }),
        new FlowType(
            "boot from volume snapshot",
            ids -> {
              String v = ids.next();
              String s = ids.next();
              return new Prepared(
                  List.of(
                      BootFromVolumeSnapshotWorkflow.workflowId(s),
                      VolumeFromSnapshotWorkflow.workflowId(v)),
                  () ->
                      client.bootFromVolumeSnapshot(
                          new BootFromVolumeSnapshotRequest(
                              s, null, volume, snapshot, v, 0, 0, 0)));
            }),
        new FlowType(
            "delete server",
            ids -> {
              String s = ids.next();
              done(bootImage(s, rawImage));
              return flow(
                  DeleteServerWorkflow.workflowId(s),
                  () -> client.deleteServer(new DeleteServerRequest(s, null, 1)));
            }),
        new FlowType(
            "delete volume",
            ids -> {
              String v = ids.next();
              done(volumeFromImage(v, rawImage));
              return flow(
                  DeleteVolumeWorkflow.workflowId(v),
                  () -> client.deleteVolume(new DeleteVolumeRequest(v, false)));
            }),
        new FlowType(
            "delete volume snapshot",
            ids -> {
              String s = ids.next();
              done(snapshotOf(volume, s));
              return flow(
                  DeleteVolumeSnapshotWorkflow.workflowId(s),
                  () ->
                      client.deleteVolumeSnapshot(
                          new DeleteVolumeSnapshotRequest(volume, s, false)));
            }),
        new FlowType(
            "delete image",
            ids -> {
              String i = uploaded(ids, "raw");
              return flow(
                  DeleteImageWorkflow.workflowId(i),
                  () -> client.deleteImage(new DeleteImageRequest(i, false)));
            }));
  }

  /** A workflow's status; UNSPECIFIED when it never started. */
  static WorkflowExecutionStatus status(
      WorkflowServiceStubs stubs, String namespace, String workflowId) {
    try {
      return stubs
          .blockingStub()
          .describeWorkflowExecution(
              DescribeWorkflowExecutionRequest.newBuilder()
                  .setNamespace(namespace)
                  .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
                  .build())
          .getWorkflowExecutionInfo()
          .getStatus();
    } catch (io.grpc.StatusRuntimeException e) {
      if (e.getStatus().getCode() == io.grpc.Status.Code.NOT_FOUND)
        return WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_UNSPECIFIED; // never started
      throw e;
    }
  }
}
