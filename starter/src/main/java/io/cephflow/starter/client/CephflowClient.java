package io.cephflow.starter.client;

import io.cephflow.workflows.audit.AuditRequest;
import io.cephflow.workflows.audit.AuditWorkflow;
import io.cephflow.workflows.common.Compensations;
import io.cephflow.workflows.common.FailureType;
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
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Functions;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

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
  public String uploadImage(UploadImageRequest r) {
    return create(
        r.validate(),
        UploadImageWorkflow.class,
        w -> w::upload,
        UploadImageWorkflow.workflowId(r.imageId()),
        "image",
        r.imageId(),
        DeleteImageWorkflow.workflowId(r.imageId()));
  }

  /** Starts (or finds) the creation of this volume from an image; returns the operation id. */
  public String createVolumeFromImage(CreateVolumeFromImageRequest r) {
    return create(
        r.validate(),
        CreateVolumeFromImageWorkflow.class,
        w -> w::create,
        CreateVolumeFromImageWorkflow.workflowId(r.volumeId()),
        "volume",
        r.volumeId(),
        DeleteVolumeWorkflow.workflowId(r.volumeId()));
  }

  /**
   * Starts (or finds) the creation of this volume from a volume snapshot; returns the operation id.
   */
  public String createVolumeFromSnapshot(VolumeFromSnapshotRequest r) {
    VolumeFromSnapshotRequests.validate(r);
    return create(
        r,
        VolumeFromSnapshotWorkflow.class,
        w -> w::create,
        VolumeFromSnapshotWorkflow.workflowId(r.volumeId()),
        "volume",
        r.volumeId(),
        DeleteVolumeWorkflow.workflowId(r.volumeId()));
  }

  public String createVolumeSnapshot(CreateVolumeSnapshotRequest r) {
    r.validate();
    return create(
        r,
        CreateVolumeSnapshotWorkflow.class,
        w -> w::snapshot,
        CreateVolumeSnapshotWorkflow.workflowId(r.snapshotId()),
        "snapshot",
        r.snapshotId(),
        DeleteVolumeSnapshotWorkflow.workflowId(r.snapshotId()));
  }

  /** Starts (or finds) the boot of this server from an image; returns the operation id. */
  public String bootFromImage(BootFromImageRequest r) {
    r.validate();
    return create(
        r,
        BootFromImageWorkflow.class,
        w -> w::boot,
        BootFromImageWorkflow.workflowId(r.serverId()),
        "server",
        r.serverId(),
        DeleteServerWorkflow.workflowId(r.serverId()));
  }

  /**
   * Starts (or finds) the boot of this server from an existing volume; returns the operation id.
   */
  public String bootFromVolume(BootFromVolumeRequest r) {
    r.validate();
    return create(
        r,
        BootFromVolumeWorkflow.class,
        w -> w::boot,
        BootFromVolumeWorkflow.workflowId(r.serverId()),
        "server",
        r.serverId(),
        DeleteServerWorkflow.workflowId(r.serverId()));
  }

  /** Starts (or finds) the boot of this server from a new volume made from a volume snapshot. */
  public String bootFromVolumeSnapshot(BootFromVolumeSnapshotRequest r) {
    r.validate();
    return create(
        r,
        BootFromVolumeSnapshotWorkflow.class,
        w -> w::boot,
        BootFromVolumeSnapshotWorkflow.workflowId(r.serverId()),
        "server",
        r.serverId(),
        DeleteServerWorkflow.workflowId(r.serverId()));
  }

  /** Starts (or finds) the creation of an image from a server's disk; returns the operation id. */
  public String createImageFromServer(CreateImageFromServerRequest r) {
    r.validate();
    return create(
        r,
        CreateImageFromServerWorkflow.class,
        w -> w::createImage,
        CreateImageFromServerWorkflow.workflowId(r.imageId()),
        "image",
        r.imageId(),
        DeleteImageWorkflow.workflowId(r.imageId()));
  }

  public String deleteImage(DeleteImageRequest r) {
    r.validate();
    return delete(
        r, DeleteImageWorkflow.class, w -> w::delete, DeleteImageWorkflow.workflowId(r.imageId()));
  }

  public String deleteVolume(DeleteVolumeRequest r) {
    r.validate();
    return delete(
        r,
        DeleteVolumeWorkflow.class,
        w -> w::delete,
        DeleteVolumeWorkflow.workflowId(r.volumeId()));
  }

  public String deleteVolumeSnapshot(DeleteVolumeSnapshotRequest r) {
    r.validate();
    return delete(
        r,
        DeleteVolumeSnapshotWorkflow.class,
        w -> w::delete,
        DeleteVolumeSnapshotWorkflow.workflowId(r.snapshotId()));
  }

  /** Starts (or finds) the deletion of this server; returns the operation id. */
  public String deleteServer(DeleteServerRequest r) {
    r.validate();
    return delete(
        r,
        DeleteServerWorkflow.class,
        w -> w::delete,
        DeleteServerWorkflow.workflowId(r.serverId()));
  }

  /**
   * Starts a leak audit ({@code audit-<uuid>}, see docs/audit.md); returns its operation id. An
   * audit creates nothing, so it needs no admission: the same id again is the same audit.
   */
  public String startAudit(AuditRequest r) {
    String id = AuditWorkflow.ID_PREFIX + UUID.randomUUID();
    AuditWorkflow stub = client.newWorkflowStub(AuditWorkflow.class, options(id));
    WorkflowClient.start(stub::audit, r);
    return id;
  }

  /** An audit's status, with its result once it ended; NotFound for an id that is not an audit. */
  public OperationStatus audit(String id) {
    if (!id.startsWith(AuditWorkflow.ID_PREFIX) && !id.startsWith(AuditWorkflow.SCHEDULE_ID)) {
      throw new OperationNotFoundException(id);
    }
    OperationStatus s = status(id);
    if (!AuditWorkflow.class.getSimpleName().equals(s.type()))
      throw new OperationNotFoundException(id);
    return s;
  }

  /**
   * The one way a create starts: refused if the id's resource was deleted (ids are never reused),
   * started or attached to under {@code id}, then admitted (or refused) at the door.
   */
  private <W, Q> String create(
      Q request,
      Class<W> type,
      Function<W, Functions.Func1<Q, ?>> method,
      String id,
      String kind,
      String resourceId,
      String deleteOperation) {
    W stub = client.newWorkflowStub(type, options(id));
    refuseIfDeleted(kind, resourceId, deleteOperation);
    start(id, () -> WorkflowClient.start(method.apply(stub), request), request);
    return id;
  }

  /** The one way a delete starts: a running delete is attached to, an ended one may run again. */
  private <W, Q> String delete(
      Q request, Class<W> type, Function<W, Functions.Func1<Q, ?>> method, String id) {
    W stub = client.newWorkflowStub(type, deleteOptions(id));
    start(id, () -> WorkflowClient.start(method.apply(stub), request), request);
    return id;
  }

  private static WorkflowOptions options(String id) {
    // the id names one resource operation: never run it twice, attach to a running one
    return options(id, WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE);
  }

  /**
   * A running delete is attached to; an ended one may run again: the resource's record decides (a
   * deleted resource is NotFound, one refused before may be deleted now), never Temporal's memory
   * of an earlier delete.
   */
  private static WorkflowOptions deleteOptions(String id) {
    return options(id, WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE);
  }

  private static WorkflowOptions options(String id, WorkflowIdReusePolicy reuse) {
    return WorkflowOptions.newBuilder()
        .setWorkflowId(id)
        .setTaskQueue(TaskQueues.STORAGE)
        .setWorkflowIdReusePolicy(reuse)
        .setWorkflowIdConflictPolicy(
            WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING)
        .build();
  }

  /**
   * Starts the operation, or finds the one under this id (running, or ended and kept), and admits
   * it: the operation under the id must have been started by this same request (else Conflict), and
   * a refusal its first steps decide at once (the id is taken, the resource is missing or in use)
   * is thrown as {@link OperationRefusedException}, not accepted.
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
   * Ids are never reused: a create naming an id whose delete completed is a Conflict at once. (Once
   * Temporal has dropped that delete, the create's own claim on the record in Ceph refuses it the
   * same way.)
   */
  private void refuseIfDeleted(String kind, String id, String deleteOperation) {
    try {
      var info = describe(deleteOperation).getWorkflowExecutionInfo();
      if (info.getStatus() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED) {
        throw new OperationRefusedException(
            "Conflict",
            deleteOperation,
            kind
                + ":"
                + id
                + " existed and was deleted (operation "
                + deleteOperation
                + "); ids are never reused");
      }
    } catch (OperationNotFoundException e) {
      // never deleted
    }
  }

  public OperationStatus status(String id) {
    DescribeWorkflowExecutionResponse d = describe(id);
    WorkflowStub stub = client.newUntypedWorkflowStub(id);
    OperationProgress progress = queryProgress(stub);
    if (progress != null
        && d.getWorkflowExecutionInfo().getStatus()
            == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING
        && StepView.ended(progress.step())) {
      d = describe(id); // the flow has ended its last step: its close is being recorded
    }
    var info = d.getWorkflowExecutionInfo();
    String status = statusName(info.getStatus());
    StepView view =
        StepView.of(status, progress, ActivityHeartbeat.of(d.getPendingActivitiesList()));
    Object result = null;
    OperationStatus.Failure failure = null;
    if (info.getStatus() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED) {
      result = outcome(stub).result;
    } else if (info.getStatus() != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
      failure = outcome(stub).failure;
    }
    return new OperationStatus(
        id, info.getType().getName(), status, view.step(), view.progress(), result, failure);
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
      return client
          .getWorkflowServiceStubs()
          .blockingStub()
          .describeWorkflowExecution(
              DescribeWorkflowExecutionRequest.newBuilder()
                  .setNamespace(client.getOptions().getNamespace())
                  .setExecution(WorkflowExecution.newBuilder().setWorkflowId(id))
                  .build());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND)
        throw new OperationNotFoundException(id);
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
      return new OperationStatus.Failure(
          FailureType.of(app.getType()).code(), app.getOriginalMessage(), undone);
    }
    if (cause instanceof CanceledFailure) {
      return new OperationStatus.Failure(
          FailureType.CANCELED.code(), "the operation was canceled", List.of());
    }
    String msg =
        cause instanceof TemporalFailure t
            ? t.getOriginalMessage()
            : "the operation ended without a reason";
    return new OperationStatus.Failure(FailureType.of(cause).code(), msg, List.of());
  }

  /**
   * The operations that worked on {@code resource} ({@code kind:id}, e.g. {@code image:<uuid>}),
   * newest first, at most {@code limit}: the flows tag themselves with {@link ResourceTags}.
   */
  public List<OperationSummary> list(String resource, int limit) {
    String query =
        ResourceTags.NAME + " = '" + ResourceTags.parse(resource) + "'"; // parse allows no quotes
    try {
      return client
          .listExecutions(query)
          .limit(limit)
          .map(
              m ->
                  new OperationSummary(
                      m.getExecution().getWorkflowId(),
                      m.getWorkflowType(),
                      statusName(m.getStatus()),
                      m.getStartTime(),
                      m.getCloseTime()))
          .toList();
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.UNIMPLEMENTED) throw e;
      throw new UnsupportedOperationException(
          "this Temporal server cannot list workflows (the embedded Java test "
              + "server has no visibility store); run a real one, e.g. temporal server start-dev");
    }
  }

  /**
   * Asks a running operation to stop: the flow undoes what it did, newest first (an
   * image-from-server resumes its VM first), and ends CANCELED. Deletes are refused (nothing can
   * undo a half-done delete; repeating it finishes it), as are operations that ended.
   */
  public OperationStatus cancel(String id) {
    var info = describe(id).getWorkflowExecutionInfo();
    if (info.getType().getName().startsWith("Delete")) {
      throw new OperationNotCancelableException(
          id + " is a delete: it runs to its end (repeat it if it failed)");
    }
    if (info.getStatus() != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
      throw new OperationNotCancelableException(
          id + " has ended (" + statusName(info.getStatus()) + ")");
    }
    try {
      client.newUntypedWorkflowStub(id).cancel();
    } catch (WorkflowNotFoundException e) {
      throw new OperationNotCancelableException(id + " ended meanwhile");
    }
    return status(id);
  }

  /**
   * Blocks until the operation ends or the timeout passes; returns its status. The wait is a long
   * poll on the result in Temporal (an ended operation answers at once), and the flow is asked for
   * its progress once, at the end: a status read before the wait asked a worker a second time,
   * which with 100 flows followed this way was ~20 queries a second (docs/benchmarks.md, run C).
   */
  public OperationStatus await(String id, long timeout, TimeUnit unit) {
    try {
      client.newUntypedWorkflowStub(id).getResult(timeout, unit, Object.class);
    } catch (WorkflowFailedException | TimeoutException | WorkflowNotFoundException e) {
      // reported by status (an unknown id: OperationNotFoundException)
    }
    return status(id);
  }
}
