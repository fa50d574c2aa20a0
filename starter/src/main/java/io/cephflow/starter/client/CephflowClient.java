package io.cephflow.starter.client;

import io.cephflow.workflows.common.Compensations;
import io.cephflow.workflows.common.OperationProgress;
import io.cephflow.workflows.common.ResourceTags;
import io.cephflow.workflows.common.TaskQueues;
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
import io.cephflow.workflows.volume.VolumeFromSnapshotRequests;
import io.cephflow.workflows.volume.VolumeFromSnapshotWorkflow;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.converter.DataConverter;
import io.cephflow.workflows.common.FailureType;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.TemporalFailure;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The typed client: starts flows (one workflow id per resource operation, so a repeated request
 * attaches to the first) and reads their status. Usable without Spring.
 */
public class CephflowClient {
  private final WorkflowClient client;

  public CephflowClient(WorkflowClient client) {
    this.client = client;
  }

  /** Starts (or finds) the upload of this image; returns the operation id. */
  public String uploadImage(UploadImageRequest request) {
    request.validate();
    String id = UploadImageWorkflow.workflowId(request.imageId());
    UploadImageWorkflow wf = client.newWorkflowStub(UploadImageWorkflow.class, options(id));
    refuseIfDeleted("image", request.imageId(), DeleteImageWorkflow.workflowId(request.imageId()));
    start(id, () -> WorkflowClient.start(wf::upload, request), request);
    return id;
  }

  /** Starts (or finds) the creation of this volume from an image; returns the operation id. */
  public String createVolumeFromImage(CreateVolumeFromImageRequest request) {
    request.validate();
    String id = CreateVolumeFromImageWorkflow.workflowId(request.volumeId());
    CreateVolumeFromImageWorkflow wf = client.newWorkflowStub(CreateVolumeFromImageWorkflow.class, options(id));
    refuseIfDeleted("volume", request.volumeId(), DeleteVolumeWorkflow.workflowId(request.volumeId()));
    start(id, () -> WorkflowClient.start(wf::create, request), request);
    return id;
  }

  /** Starts (or finds) the creation of this volume from a volume snapshot; returns the operation id. */
  public String createVolumeFromSnapshot(VolumeFromSnapshotRequest request) {
    VolumeFromSnapshotRequests.validate(request);
    String id = VolumeFromSnapshotWorkflow.workflowId(request.volumeId());
    VolumeFromSnapshotWorkflow wf = client.newWorkflowStub(VolumeFromSnapshotWorkflow.class, options(id));
    refuseIfDeleted("volume", request.volumeId(), DeleteVolumeWorkflow.workflowId(request.volumeId()));
    start(id, () -> WorkflowClient.start(wf::create, request), request);
    return id;
  }

  public String createVolumeSnapshot(CreateVolumeSnapshotRequest request) {
    request.validate();
    String id = CreateVolumeSnapshotWorkflow.workflowId(request.snapshotId());
    CreateVolumeSnapshotWorkflow wf = client.newWorkflowStub(CreateVolumeSnapshotWorkflow.class, options(id));
    refuseIfDeleted("snapshot", request.snapshotId(), DeleteVolumeSnapshotWorkflow.workflowId(request.snapshotId()));
    start(id, () -> WorkflowClient.start(wf::snapshot, request), request);
    return id;
  }

  public String deleteVolume(DeleteVolumeRequest request) {
    request.validate();
    String id = DeleteVolumeWorkflow.workflowId(request.volumeId());
    DeleteVolumeWorkflow wf = client.newWorkflowStub(DeleteVolumeWorkflow.class, deleteOptions(id));
    start(id, () -> WorkflowClient.start(wf::delete, request), request);
    return id;
  }

  public String deleteVolumeSnapshot(DeleteVolumeSnapshotRequest request) {
    request.validate();
    String id = DeleteVolumeSnapshotWorkflow.workflowId(request.snapshotId());
    DeleteVolumeSnapshotWorkflow wf = client.newWorkflowStub(DeleteVolumeSnapshotWorkflow.class, deleteOptions(id));
    start(id, () -> WorkflowClient.start(wf::delete, request), request);
    return id;
  }

  public String deleteImage(DeleteImageRequest request) {
    request.validate();
    String id = DeleteImageWorkflow.workflowId(request.imageId());
    DeleteImageWorkflow wf = client.newWorkflowStub(DeleteImageWorkflow.class, deleteOptions(id));
    start(id, () -> WorkflowClient.start(wf::delete, request), request);
    return id;
  }

  /** Starts (or finds) the boot of this server from an image; returns the operation id. */
  public String bootFromImage(BootFromImageRequest request) {
    request.validate();
    String id = BootFromImageWorkflow.workflowId(request.serverId());
    BootFromImageWorkflow wf = client.newWorkflowStub(BootFromImageWorkflow.class, options(id));
    refuseIfDeleted("server", request.serverId(), DeleteServerWorkflow.workflowId(request.serverId()));
    start(id, () -> WorkflowClient.start(wf::boot, request), request);
    return id;
  }

  /** Starts (or finds) the boot of this server from an existing volume; returns the operation id. */
  public String bootFromVolume(BootFromVolumeRequest request) {
    request.validate();
    String id = BootFromVolumeWorkflow.workflowId(request.serverId());
    BootFromVolumeWorkflow wf = client.newWorkflowStub(BootFromVolumeWorkflow.class, options(id));
    refuseIfDeleted("server", request.serverId(), DeleteServerWorkflow.workflowId(request.serverId()));
    start(id, () -> WorkflowClient.start(wf::boot, request), request);
    return id;
  }

  /** Starts (or finds) the boot of this server from a new volume made from a volume snapshot. */
  public String bootFromVolumeSnapshot(BootFromVolumeSnapshotRequest request) {
    request.validate();
    String id = BootFromVolumeSnapshotWorkflow.workflowId(request.serverId());
    BootFromVolumeSnapshotWorkflow wf = client.newWorkflowStub(BootFromVolumeSnapshotWorkflow.class, options(id));
    refuseIfDeleted("server", request.serverId(), DeleteServerWorkflow.workflowId(request.serverId()));
    start(id, () -> WorkflowClient.start(wf::boot, request), request);
    return id;
  }

  /** Starts (or finds) the creation of an image from a server's disk; returns the operation id. */
  public String createImageFromServer(CreateImageFromServerRequest request) {
    request.validate();
    String id = CreateImageFromServerWorkflow.workflowId(request.imageId());
    CreateImageFromServerWorkflow wf = client.newWorkflowStub(CreateImageFromServerWorkflow.class, options(id));
    refuseIfDeleted("image", request.imageId(), DeleteImageWorkflow.workflowId(request.imageId()));
    start(id, () -> WorkflowClient.start(wf::createImage, request), request);
    return id;
  }

  /** Starts (or finds) the deletion of this server; returns the operation id. */
  public String deleteServer(DeleteServerRequest request) {
    request.validate();
    String id = DeleteServerWorkflow.workflowId(request.serverId());
    DeleteServerWorkflow wf = client.newWorkflowStub(DeleteServerWorkflow.class, deleteOptions(id));
    start(id, () -> WorkflowClient.start(wf::delete, request), request);
    return id;
  }

  private static WorkflowOptions options(String id) {
    // the id names one resource operation: never run it twice, attach to a running one
    return options(id, WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE);
  }

  /**
   * A running delete is attached to; an ended one may run again: the resource's record decides
   * (a deleted resource is NotFound, one refused before may be deleted now), never Temporal's
   * memory of an earlier delete.
   */
  private static WorkflowOptions deleteOptions(String id) {
    return options(id, WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE);
  }

  private static WorkflowOptions options(String id, WorkflowIdReusePolicy reuse) {
    return WorkflowOptions.newBuilder()
        .setWorkflowId(id)
        .setTaskQueue(TaskQueues.STORAGE)
        .setWorkflowIdReusePolicy(reuse)
        .setWorkflowIdConflictPolicy(WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING)
        .build();
  }

  /**
   * Starts the operation, or finds the one under this id (running, or ended and kept), and
   * admits it: the operation under the id must have been started by this same request (else
   * Conflict), and a refusal its first steps decide at once (the id is taken, the resource is
   * missing or in use) is thrown as {@link OperationRefusedException}, not accepted.
   */
  private void start(String id, Runnable start, Object request) {
    try {
      start.run();
    } catch (WorkflowExecutionAlreadyStarted e) {
      // ended before: the same operation, reported as it ended (if it is the same request)
    }
    Admission.of(client, id).admit(request);
  }

  /**
   * Ids are never reused: a create naming an id whose delete completed is a Conflict at once.
   * (Once Temporal has dropped that delete, the create's own claim on the record in Ceph
   * refuses it the same way.)
   */
  private void refuseIfDeleted(String kind, String id, String deleteOperation) {
    try {
      var info = describe(deleteOperation).getWorkflowExecutionInfo();
      if (info.getStatus() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED) {
        throw new OperationRefusedException("Conflict", deleteOperation, kind + ":" + id
            + " existed and was deleted (operation " + deleteOperation + "); ids are never reused");
      }
    } catch (OperationNotFoundException e) {
      // never deleted
    }
  }

  public OperationStatus status(String id) {
    DescribeWorkflowExecutionResponse d = describe(id);
    var info = d.getWorkflowExecutionInfo();
    String status = statusName(info.getStatus());
    WorkflowStub stub = client.newUntypedWorkflowStub(id);
    OperationProgress progress = queryProgress(stub);
    OperationStatus.Progress bytes = heartbeatProgress(d)
        .orElse(progress == null ? null : new OperationStatus.Progress(progress.bytesDone(), progress.bytesTotal()));
    Object result = null;
    OperationStatus.Failure failure = null;
    if (info.getStatus() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED) {
      result = outcome(stub).result;
    } else if (info.getStatus() != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
      failure = outcome(stub).failure;
    }
    return new OperationStatus(id, info.getType().getName(), status, progress == null ? null : progress.step(),
        bytes, result, failure);
  }

  /** {@code RUNNING}, {@code COMPLETED}, {@code FAILED}, {@code CANCELED}, ... */
  private static String statusName(WorkflowExecutionStatus status) {
    return status.name().replace("WORKFLOW_EXECUTION_STATUS_", "");
  }

  DescribeWorkflowExecutionResponse describe(String id) {
    return describe(client, id);
  }

  static DescribeWorkflowExecutionResponse describe(WorkflowClient client, String id) {
    try {
      return client.getWorkflowServiceStubs().blockingStub().describeWorkflowExecution(
          DescribeWorkflowExecutionRequest.newBuilder().setNamespace(client.getOptions().getNamespace())
              .setExecution(WorkflowExecution.newBuilder().setWorkflowId(id)).build());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) throw new OperationNotFoundException(id);
      throw e;
    }
  }

  static OperationProgress queryProgress(WorkflowStub stub) {
    try {
      return stub.query("progress", OperationProgress.class);
    } catch (RuntimeException e) {
      return null; // no worker to answer right now: status still works
    }
  }

  /** Bytes done/total from the heartbeat of the running long activity, if there is one. */
  private static Optional<OperationStatus.Progress> heartbeatProgress(DescribeWorkflowExecutionResponse d) {
    for (var a : d.getPendingActivitiesList()) {
      if (!a.hasHeartbeatDetails()) continue;
      try {
        long[] v = DataConverter.getDefaultInstance().fromPayloads(0, Optional.of(a.getHeartbeatDetails()),
            long[].class, long[].class);
        // {resumedFrom, -1}: the activity has not counted yet; the flow's own figure is better
        if (v != null && v.length == 2 && v[1] >= 0) return Optional.of(new OperationStatus.Progress(v[0], v[1]));
      } catch (RuntimeException ignored) {
        // details of another shape: no byte progress
      }
    }
    return Optional.empty();
  }

  record Outcome(Object result, OperationStatus.Failure failure) {}

  static Outcome outcome(WorkflowStub stub) {
    try {
      return new Outcome(stub.getResult(2, TimeUnit.SECONDS, Map.class), null);
    } catch (WorkflowFailedException e) {
      return new Outcome(null, failureOf(e.getCause()));
    } catch (TimeoutException e) {
      return new Outcome(null, null);
    }
  }

  static OperationStatus.Failure failureOf(Throwable cause) {
    if (cause instanceof ApplicationFailure app) {
      List<String> undone = List.of();
      try {
        undone = app.getDetails().get(Compensations.FailureDetails.class).compensationFailures();
      } catch (RuntimeException ignored) {
        // no details
      }
      return new OperationStatus.Failure(FailureType.of(app.getType()).code(), app.getOriginalMessage(), undone);
    }
    if (cause instanceof CanceledFailure) {
      return new OperationStatus.Failure(FailureType.CANCELED.code(), "the operation was canceled", List.of());
    }
    String msg = cause instanceof TemporalFailure t ? t.getOriginalMessage() : "the operation ended without a reason";
    return new OperationStatus.Failure(FailureType.of(cause).code(), msg, List.of());
  }

  /**
   * The operations that worked on {@code resource} ({@code kind:id}, e.g. {@code image:<uuid>}),
   * newest first, at most {@code limit}: the flows tag themselves with {@link ResourceTags}.
   */
  public List<OperationSummary> list(String resource, int limit) {
    String query = ResourceTags.NAME + " = '" + ResourceTags.parse(resource) + "'"; // parse allows no quotes
    try {
      return client.listExecutions(query).limit(limit)
          .map(m -> new OperationSummary(m.getExecution().getWorkflowId(), m.getWorkflowType(),
              statusName(m.getStatus()), m.getStartTime(), m.getCloseTime()))
          .toList();
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.UNIMPLEMENTED) throw e;
      throw new UnsupportedOperationException("this Temporal server cannot list workflows (the embedded Java test "
          + "server has no visibility store); run a real one, e.g. temporal server start-dev");
    }
  }

  /**
   * Asks a running operation to stop: the flow undoes what it did, newest first (an
   * image-from-server resumes its VM first), and ends CANCELED. Deletes are refused (nothing
   * can undo a half-done delete; repeating it finishes it), as are operations that ended.
   */
  public OperationStatus cancel(String id) {
    var info = describe(id).getWorkflowExecutionInfo();
    if (info.getType().getName().startsWith("Delete")) {
      throw new OperationNotCancelableException(id + " is a delete: it runs to its end (repeat it if it failed)");
    }
    if (info.getStatus() != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
      throw new OperationNotCancelableException(id + " has ended ("
          + statusName(info.getStatus()) + ")");
    }
    try {
      client.newUntypedWorkflowStub(id).cancel();
    } catch (WorkflowNotFoundException e) {
      throw new OperationNotCancelableException(id + " ended meanwhile");
    }
    return status(id);
  }

  /** Blocks until the operation ends or the timeout passes; returns its status. */
  public OperationStatus await(String id, long timeout, TimeUnit unit) {
    try {
      client.newUntypedWorkflowStub(id).getResult(timeout, unit, Object.class);
    } catch (WorkflowFailedException | TimeoutException e) {
      // reported by status
    }
    return status(id);
  }
}
