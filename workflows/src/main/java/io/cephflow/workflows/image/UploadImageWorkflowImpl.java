package io.cephflow.workflows.image;

import io.cephflow.workflows.common.Compensations;
import io.cephflow.workflows.common.Failures;
import io.cephflow.workflows.common.OperationProgress;
import io.cephflow.workflows.common.Provenance;
import io.cephflow.workflows.common.RbdRef;
import io.cephflow.workflows.common.SnapRef;
import io.cephflow.workflows.storage.ImportActivities;
import io.cephflow.workflows.storage.ImportActivities.SourceInfo;
import io.cephflow.workflows.storage.ImportActivities.WriteResult;
import io.cephflow.workflows.storage.StorageActivities;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Workflow;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/** See {@link UploadImageWorkflow}. Activity options come from the worker, per activity type. */
public class UploadImageWorkflowImpl implements UploadImageWorkflow {
  /** An image of unknown length is created this large (thin) and shrunk to what arrived. */
  static final long UNKNOWN_SIZE_CAP = 1L << 40;

  private final StorageActivities storage = Workflow.newActivityStub(StorageActivities.class);
  private final ImportActivities imports = Workflow.newActivityStub(ImportActivities.class);
  private OperationProgress progress = OperationProgress.at("validate");

  @Override
  public UploadImageResult upload(UploadImageRequest request) {
    try {
      request.validate();
    } catch (IllegalArgumentException e) {
      throw ApplicationFailure.newNonRetryableFailure(e.getMessage(), Failures.INVALID_REQUEST);
    }
    String owner = Workflow.getInfo().getWorkflowId();
    RbdRef ref = RbdRef.image(request.imageId());
    SnapRef snap = SnapRef.imageSnap(request.imageId());
    Compensations undo = new Compensations();
    try {
      progress = OperationProgress.at("probe-source");
      SourceInfo source = imports.probeSource(request.source(), request.diskFormat());
      boolean sizeKnown = source.sizeBytes() >= 0;
      long size = sizeKnown ? source.sizeBytes() : UNKNOWN_SIZE_CAP;

      progress = new OperationProgress("create-image", 0, size);
      undo.add("remove image " + ref, () -> storage.removeImage(ref, owner));
      storage.createImage(ref, size, owner);

      progress = new OperationProgress("write", 0, size);
      WriteResult written = imports.writeFromSource(
          new ImportActivities.WriteRequest(ref, request.source(), request.diskFormat(), source.sizeBytes()));
      if (!sizeKnown) storage.resizeImage(ref, written.bytesRead(), true);
      verifyChecksum(request, written);

      progress = new OperationProgress("snapshot", written.bytesRead(), written.bytesRead());
      undo.add("remove snapshot " + snap, () -> storage.removeSnapshot(snap));
      storage.createSnapshot(snap);
      undo.add("unprotect snapshot " + snap, () -> storage.unprotectSnapshot(snap));
      storage.protectSnapshot(snap);

      progress = new OperationProgress("metadata", written.bytesRead(), written.bytesRead());
      storage.setMetadata(ref, Map.of(
          Provenance.NAME, request.name(),
          Provenance.SOURCE, Provenance.redactSource(request.source()),
          Provenance.FORMAT, request.diskFormat(),
          Provenance.SIZE, Long.toString(written.bytesRead()),
          Provenance.SHA256, written.sha256(),
          Provenance.CREATED_AT, Instant.ofEpochMilli(Workflow.currentTimeMillis()).toString()));
      progress = new OperationProgress("done", written.bytesRead(), written.bytesRead());
      return new UploadImageResult(request.imageId(), ref.pool(), ref.image(), snap.snapshot(),
          written.bytesRead(), written.sha256());
    } catch (TemporalFailure e) {
      progress = new OperationProgress("compensating", progress.bytesDone(), progress.bytesTotal());
      RuntimeException failure = undo.failWith(e);
      progress = new OperationProgress("failed", progress.bytesDone(), progress.bytesTotal());
      throw failure;
    }
  }

  private static void verifyChecksum(UploadImageRequest request, WriteResult written) {
    if (request.expectedSha256() == null) return;
    if (!request.expectedSha256().toLowerCase(Locale.ROOT).equals(written.sha256())) {
      throw ApplicationFailure.newNonRetryableFailure("checksum mismatch: expected sha256 "
          + request.expectedSha256() + ", the source has " + written.sha256(), Failures.CHECKSUM_MISMATCH);
    }
  }

  @Override
  public OperationProgress progress() {
    return progress;
  }
}
