package io.cephflow.workflows.image;

import io.cephflow.workflows.common.Compensations;
import io.cephflow.workflows.common.Failures;
import io.cephflow.workflows.common.Flow;
import io.cephflow.workflows.common.HostRouting;
import io.cephflow.workflows.common.Lifecycle;
import io.cephflow.workflows.common.OperationProgress;
import io.cephflow.workflows.common.Provenance;
import io.cephflow.workflows.common.RbdRef;
import io.cephflow.workflows.common.ResourceTags;
import io.cephflow.workflows.common.SnapRef;
import io.cephflow.workflows.common.Steps;
import io.cephflow.workflows.storage.ImportActivities;
import io.cephflow.workflows.storage.ImportActivities.SourceInfo;
import io.cephflow.workflows.storage.ImportActivities.StagedSource;
import io.cephflow.workflows.storage.ImportActivities.VettedSource;
import io.cephflow.workflows.storage.ImportActivities.WriteResult;
import io.cephflow.workflows.storage.StorageActivities;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Workflow;
import java.time.Instant;
import java.util.Map;
import org.slf4j.Logger;

/**
 * See {@link UploadImageWorkflow}. Raw sources stream into the image; any other format must be
 * inspected before anything is created, which needs the whole file: it is staged in a worker's
 * scratch area (removed by a compensation on failure and in a finally on success), vetted, and
 * written as it is, every step on that worker's host queue. Activity options come from the worker,
 * per activity type.
 */
public class UploadImageWorkflowImpl implements UploadImageWorkflow {
  /** An image of unknown length is created this large (thin) and shrunk to what arrived. */
  static final long UNKNOWN_SIZE_CAP = 1L << 40;

  static final String HOST_AFFINITY = "staged-file-host-affinity";

  /**
   * Since version 1 the provenance digest is the chunked SHA-256; the full one only when asked for.
   */
  static final String CHUNKED_SHA256 = "chunked-sha256";

  private static final Logger log = Workflow.getLogger(UploadImageWorkflowImpl.class);

  private final StorageActivities storage = Steps.storage();
  private final ImportActivities imports = Workflow.newActivityStub(ImportActivities.class);
  private final Flow flow = new Flow();
  private String scratchKey;

  /** The activities on the host that holds the staged file. */
  private ImportActivities scratch;

  private boolean scratchRemoved;

  /** This operation's name, recorded as the owner of what it creates. */
  private String owner;

  /**
   * Version {@link #CHUNKED_SHA256}: the full SHA-256 is computed only when the checksum needs it.
   */
  private boolean chunked;

  /**
   * What landed in the image, whichever path wrote it.
   *
   * @param sourceSha256 of the file as it arrived, when the image holds its conversion (else null)
   * @param chunkedSha256 the provenance digest (null in older runs), and the source's likewise
   */
  private record Landed(
      long sizeBytes,
      long virtualSizeBytes,
      String sha256,
      String sourceSha256,
      String chunkedSha256,
      String sourceChunkedSha256) {}

  @Override
  public UploadImageResult upload(UploadImageRequest request) {
    Checksum checksum =
        flow.admit(
            () -> Checksum.parse(request.validate().checksum()),
            ResourceTags.image(request.imageId()));
    chunked = Workflow.getVersion(CHUNKED_SHA256, Workflow.DEFAULT_VERSION, 1) == 1;
    Lifecycle life = flow.life();
    owner = life.operation();
    RbdRef ref = RbdRef.image(request.imageId());
    SnapRef snap = SnapRef.imageSnap(request.imageId());
    Compensations undo = flow.undo();
    try {
      return flow.saga(
          () -> {
            flow.claim("image", request.imageId(), request, null);
            Landed landed =
                request.streamsAsRaw()
                    ? streamRaw(request, checksum, ref, undo)
                    : stageVetAndWrite(request, checksum, ref, undo);
            long size = landed.sizeBytes();

            flow.at("snapshot", size, size);
            undo.add("remove snapshot " + snap, () -> storage.removeSnapshot(snap));
            storage.createSnapshot(snap);
            undo.add("unprotect snapshot " + snap, () -> storage.unprotectSnapshot(snap));
            storage.protectSnapshot(snap);

            flow.at("metadata", size, size);
            Map<String, String> meta =
                new java.util.HashMap<>(
                    Map.of(
                        Provenance.NAME, request.name(),
                        Provenance.SOURCE, Provenance.redactSource(request.source()),
                        Provenance.FORMAT, request.storedFormat(),
                        Provenance.SIZE, Long.toString(size),
                        Provenance.VIRTUAL_SIZE, Long.toString(landed.virtualSizeBytes()),
                        Provenance.CREATED_AT,
                            Instant.ofEpochMilli(Workflow.currentTimeMillis()).toString()));
            putIfKnown(meta, Provenance.SHA256, landed.sha256());
            putIfKnown(meta, Provenance.CHUNKED_SHA256, landed.chunkedSha256());
            if (request.convertsToRaw()) meta.put(Provenance.SOURCE_FORMAT, request.diskFormat());
            putIfKnown(meta, Provenance.SOURCE_SHA256, landed.sourceSha256());
            putIfKnown(meta, Provenance.SOURCE_CHUNKED_SHA256, landed.sourceChunkedSha256());
            storage.setMetadata(ref, Map.copyOf(meta));
            life.created("image", request.imageId(), null);
            return new UploadImageResult(
                request.imageId(),
                ref.pool(),
                ref.image(),
                snap.snapshot(),
                size,
                landed.sha256(),
                landed.chunkedSha256());
          });
    } finally {
      removeScratchIfLeft();
    }
  }

  private Landed streamRaw(
      UploadImageRequest request, Checksum checksum, RbdRef ref, Compensations undo) {
    flow.at("probe-source");
    SourceInfo source = imports.probeSource(request.source(), request.diskFormat());
    boolean sizeKnown = source.sizeBytes() >= 0;
    long size = sizeKnown ? source.sizeBytes() : UNKNOWN_SIZE_CAP;

    flow.at("create-image");
    undo.add("remove image " + ref, () -> storage.removeImage(ref, owner));
    storage.createImage(ref, size, owner);

    // a source that does not say its length: the total is unknown (-1), not the image's cap
    flow.at("write", 0, sizeKnown ? size : -1);
    WriteResult written =
        imports.writeFromSource(
            chunked
                ? new ImportActivities.WriteRequest(
                    ref,
                    request.source(),
                    request.diskFormat(),
                    source.sizeBytes(),
                    extraAlgorithm(checksum),
                    skipSha256(checksum))
                : new ImportActivities.WriteRequest(
                    ref,
                    request.source(),
                    request.diskFormat(),
                    source.sizeBytes(),
                    checksum == null ? null : checksum.algorithm()));
    if (!sizeKnown) {
      flow.at("resize", written.bytesRead(), written.bytesRead());
      storage.resizeImage(ref, written.bytesRead(), true);
    }
    verifyChecksum(checksum, written.sha256(), written.checksum());
    return new Landed(
        written.bytesRead(),
        written.bytesRead(),
        written.sha256(),
        null,
        written.chunkedSha256(),
        null);
  }

  private Landed stageVetAndWrite(
      UploadImageRequest request, Checksum checksum, RbdRef ref, Compensations undo) {
    String key = "upload-" + request.imageId();
    flow.at("fetch");
    scratch = scratchHost();
    undo.add(
        "remove scratch file " + key,
        () -> {
          scratch.removeStaged(key);
          scratchRemoved = true;
        });
    scratchKey = key;
    StagedSource staged =
        scratch.stageSource(
            chunked
                ? new ImportActivities.StageRequest(
                    request.source(), key, extraAlgorithm(checksum), skipSha256(checksum))
                : new ImportActivities.StageRequest(
                    request.source(), key, checksum == null ? null : checksum.algorithm()));
    verifyChecksum(checksum, staged.sha256(), staged.checksum());

    flow.at("inspect");
    VettedSource vetted = scratch.vetStaged(key, request.diskFormat());

    flow.at("create-image");
    undo.add("remove image " + ref, () -> storage.removeImage(ref, owner));
    if (request.convertsToRaw()) {
      // convert: raw (only in requests since the option came, so older histories never reach here)
      storage.createImage(ref, vetted.virtualSizeBytes(), owner);
      flow.at("convert", 0, vetted.virtualSizeBytes());
      WriteResult converted =
          scratch.convertStaged(key, request.diskFormat(), ref, chunked && skipSha256(checksum));
      return new Landed(
          vetted.virtualSizeBytes(),
          vetted.virtualSizeBytes(),
          converted.sha256(),
          staged.sha256(),
          converted.chunkedSha256(),
          staged.chunkedSha256());
    }
    storage.createImage(ref, staged.sizeBytes(), owner);

    flow.at("write", 0, staged.sizeBytes());
    WriteResult written = scratch.writeStaged(key, ref);
    return new Landed(
        written.bytesRead(),
        vetted.virtualSizeBytes(),
        staged.sha256(),
        null,
        staged.chunkedSha256(),
        null);
  }

  /**
   * The staged file lives on the host that downloaded it: with several workers, vetting and writing
   * it anywhere else would not find it. Histories from before this change ran every step on the
   * storage queue.
   */
  private ImportActivities scratchHost() {
    if (Workflow.getVersion(HOST_AFFINITY, Workflow.DEFAULT_VERSION, 1) == Workflow.DEFAULT_VERSION)
      return imports;
    return HostRouting.on(ImportActivities.class, imports.hostQueue());
  }

  /**
   * The success path's cleanup (a failed one was already undone by the compensation). Never fails
   * the upload: the image is complete; a file left behind is logged for the operator.
   */
  private void removeScratchIfLeft() {
    if (scratchKey == null || scratchRemoved) return;
    String key = scratchKey;
    Workflow.newDetachedCancellationScope(
            () -> {
              try {
                scratch.removeStaged(key);
                scratchRemoved = true;
              } catch (TemporalFailure e) {
                log.warn("could not remove scratch file {}: {}", key, e.getMessage());
              }
            })
        .run();
  }

  private static boolean skipSha256(Checksum checksum) {
    return checksum == null || !checksum.needsSha256();
  }

  private static String extraAlgorithm(Checksum checksum) {
    return checksum == null ? null : checksum.extraAlgorithm();
  }

  private static void putIfKnown(Map<String, String> meta, String key, String value) {
    if (value != null) meta.put(key, value);
  }

  private static void verifyChecksum(Checksum expected, String sha256, String requested) {
    if (expected == null || expected.hex() == null) return;
    String actual =
        expected.algorithm().equals("SHA-256") && requested == null ? sha256 : requested;
    if (!expected.hex().equals(actual)) {
      throw ApplicationFailure.newNonRetryableFailure(
          "checksum mismatch: expected "
              + expected
              + ", the source has "
              + expected.name()
              + ":"
              + actual,
          Failures.CHECKSUM_MISMATCH);
    }
  }

  @Override
  public OperationProgress progress() {
    return flow.progress();
  }
}
