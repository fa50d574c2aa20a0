package io.cephflow.workflows.image;

import static io.cephflow.workflows.testing.WorkflowTestBed.bad;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyMap;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoMoreInteractions;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import io.cephflow.workflows.common.Failures;
import io.cephflow.workflows.common.Provenance;
import io.cephflow.workflows.common.RbdRef;
import io.cephflow.workflows.common.SnapRef;
import io.cephflow.workflows.common.TaskQueues;
import io.cephflow.workflows.storage.ImportActivities;
import io.cephflow.workflows.storage.StorageActivities;
import io.cephflow.workflows.testing.UndoCheck;
import io.cephflow.workflows.testing.WorkflowTestBed;
import io.temporal.activity.ActivityOptions;
import io.temporal.client.WorkflowFailedException;
import io.temporal.failure.ApplicationFailure;
import io.temporal.worker.WorkflowImplementationOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mockito.InOrder;

class UploadImageWorkflowTest {
  static final String ID = "0b6ee3d6-6c1b-4b5e-9a61-3d1f1a7d2b10";
  static final String OWNER = UploadImageWorkflow.workflowId(ID);
  static final RbdRef REF = RbdRef.image(ID);
  static final SnapRef SNAP = SnapRef.imageSnap(ID);
  static final String SHA = "a".repeat(64);
  static final String CHUNKED = "d".repeat(64);

  final StorageActivities storage =
      mock(StorageActivities.class, withSettings().withoutAnnotations());
  final ImportActivities imports =
      mock(ImportActivities.class, withSettings().withoutAnnotations());

  /** The same activities on the host that stages a file: every step on the file must run there. */
  final ImportActivities onHost = mock(ImportActivities.class, withSettings().withoutAnnotations());

  static final String HOST_QUEUE = TaskQueues.host("h1");
  final WorkflowTestBed bed =
      new WorkflowTestBed(
          UploadImageWorkflowImpl.class, Map.of(HOST_QUEUE, onHost), storage, imports);

  @AfterEach
  void close() {
    bed.close();
  }

  UploadImageResult run(String checksum) {
    return bed.start(UploadImageWorkflow.class, OWNER)
        .upload(new UploadImageRequest(ID, "cirros", "/data/cirros.raw", "raw", checksum));
  }

  void sourceOf(long size) {
    when(imports.probeSource(anyString(), anyString()))
        .thenReturn(new ImportActivities.SourceInfo(size, "raw"));
    when(imports.writeFromSource(any()))
        .thenReturn(new ImportActivities.WriteResult(size, size, SHA, null, CHUNKED));
  }

  @Test
  void uploadsCreatesWritesSnapshotsProtectsAndRecordsProvenance() {
    sourceOf(1000);
    UploadImageResult r = run(SHA);
    assertThat(r).isEqualTo(new UploadImageResult(ID, "images", ID, "snap", 1000, SHA, CHUNKED));
    InOrder order = inOrder(storage, imports);
    order.verify(imports).probeSource("/data/cirros.raw", "raw");
    order.verify(storage).createImage(REF, 1000, bed.operation(OWNER));
    // an expected sha256: the full SHA-256 is computed (not skipped), no extra digest
    order
        .verify(imports)
        .writeFromSource(
            new ImportActivities.WriteRequest(REF, "/data/cirros.raw", "raw", 1000, null, false));
    order.verify(storage).createSnapshot(SNAP);
    order.verify(storage).protectSnapshot(SNAP);
    order
        .verify(storage)
        .setMetadata(
            eq(REF),
            argThat(
                m ->
                    "1000".equals(m.get(Provenance.VIRTUAL_SIZE))
                        && "raw".equals(m.get(Provenance.FORMAT))
                        && SHA.equals(m.get(Provenance.SHA256))
                        && CHUNKED.equals(m.get(Provenance.CHUNKED_SHA256))));
    verify(storage, never()).removeImage(any(), any());
    verify(imports, never()).stageSource(any());
    assertThat(bed.resourceTags(OWNER)).containsExactly("image:" + ID);
    bed.recordHistory(OWNER, "upload-image-success");
  }

  @Test
  void withoutAChecksumOnlyTheChunkedDigestIsComputedAndRecorded() {
    when(imports.probeSource(anyString(), anyString()))
        .thenReturn(new ImportActivities.SourceInfo(1000, "raw"));
    when(imports.writeFromSource(any()))
        .thenReturn(new ImportActivities.WriteResult(1000, 1000, null, null, CHUNKED));
    UploadImageResult r = run(null);
    assertThat(r).isEqualTo(new UploadImageResult(ID, "images", ID, "snap", 1000, null, CHUNKED));
    verify(imports)
        .writeFromSource(
            new ImportActivities.WriteRequest(REF, "/data/cirros.raw", "raw", 1000, null, true));
    verify(storage)
        .setMetadata(
            eq(REF),
            argThat(
                m ->
                    CHUNKED.equals(m.get(Provenance.CHUNKED_SHA256))
                        && !m.containsKey(Provenance.SHA256)));
  }

  @Test
  void checksumSha256AloneAsksForTheFullDigestWithoutExpectingOne() {
    sourceOf(1000);
    UploadImageResult r = run("sha256");
    assertThat(r.sha256()).isEqualTo(SHA);
    verify(imports)
        .writeFromSource(
            new ImportActivities.WriteRequest(REF, "/data/cirros.raw", "raw", 1000, null, false));
    verify(storage)
        .setMetadata(
            eq(REF),
            argThat(
                m ->
                    SHA.equals(m.get(Provenance.SHA256))
                        && CHUNKED.equals(m.get(Provenance.CHUNKED_SHA256))));
  }

  @Test
  void unknownLengthIsCreatedLargeAndShrunkToWhatArrived() {
    when(imports.probeSource(anyString(), anyString()))
        .thenReturn(new ImportActivities.SourceInfo(-1, "raw"));
    when(imports.writeFromSource(any()))
        .thenReturn(new ImportActivities.WriteResult(4096, 4096, SHA, null));
    run(null);
    verify(storage)
        .createImage(REF, UploadImageWorkflowImpl.UNKNOWN_SIZE_CAP, bed.operation(OWNER));
    verify(storage).resizeImage(REF, 4096, true);
  }

  /** Each step that can fail, how to make it fail, and what must be undone, in order. */
  enum Step {
    PROBE(
        t ->
            when(t.imports.probeSource(anyString(), anyString()))
                .thenThrow(bad(Failures.SOURCE_NOT_FOUND))),
    CREATE(
        t ->
            doThrow(bad(Failures.CONFLICT))
                .when(t.storage)
                .createImage(any(), anyLong(), anyString()),
        "removeImage"),
    WRITE(
        t -> when(t.imports.writeFromSource(any())).thenThrow(bad(Failures.SOURCE_LENGTH_MISMATCH)),
        "removeImage"),
    CHECKSUM(
        t ->
            when(t.imports.writeFromSource(any()))
                .thenReturn(
                    new ImportActivities.WriteResult(1000, 1000, "b".repeat(64), "b".repeat(64))),
        "removeImage"),
    SNAPSHOT(
        t -> doThrow(bad(Failures.NO_SPACE)).when(t.storage).createSnapshot(any()),
        "removeSnapshot",
        "removeImage"),
    PROTECT(
        t -> doThrow(bad(Failures.PERMISSION_DENIED)).when(t.storage).protectSnapshot(any()),
        "unprotectSnapshot",
        "removeSnapshot",
        "removeImage"),
    METADATA(
        t -> doThrow(bad(Failures.PERMISSION_DENIED)).when(t.storage).setMetadata(any(), anyMap()),
        "unprotectSnapshot",
        "removeSnapshot",
        "removeImage");

    final Consumer<UploadImageWorkflowTest> inject;
    final List<String> undos;

    Step(Consumer<UploadImageWorkflowTest> inject, String... undos) {
      this.inject = inject;
      this.undos = List.of(undos);
    }
  }

  @ParameterizedTest
  @EnumSource(Step.class)
  void aFailureAtEachStepUndoesExactlyWhatWasDoneInReverseOrder(Step step) {
    sourceOf(1000);
    step.inject.accept(this);
    assertThatThrownBy(() -> run(SHA))
        .isInstanceOf(WorkflowFailedException.class)
        .satisfies(
            e ->
                assertThat(WorkflowTestBed.failureType(e))
                    .isEqualTo(
                        step == Step.CHECKSUM
                            ? Failures.CHECKSUM_MISMATCH
                            : WorkflowTestBed.injectedType(e)));
    undos().verify(step.undos);
  }

  /** The undos of an upload, each checked in order when expected and as never run otherwise. */
  UndoCheck undos() {
    return new UndoCheck(storage, imports, onHost)
        .undo(
            "unprotectSnapshot",
            o -> o.verify(storage).unprotectSnapshot(SNAP),
            () -> verify(storage, never()).unprotectSnapshot(any()))
        .undo(
            "removeSnapshot",
            o -> o.verify(storage).removeSnapshot(SNAP),
            () -> verify(storage, never()).removeSnapshot(any()))
        .undo(
            "removeImage",
            o -> o.verify(storage).removeImage(REF, bed.operation(OWNER)),
            () -> verify(storage, never()).removeImage(any(), any()))
        // the scratch file goes on success too (in a finally), so "never" is not checked
        .undo("removeStaged", o -> o.verify(onHost).removeStaged(KEY), null);
  }

  @Test
  void invalidRequestFailsBeforeAnyActivity() {
    assertThatThrownBy(
            () ->
                bed.start(UploadImageWorkflow.class, "image-upload-bad")
                    .upload(new UploadImageRequest("not-a-uuid", "x", "/a", "raw", null)))
        .satisfies(
            e -> assertThat(WorkflowTestBed.failureType(e)).isEqualTo(Failures.INVALID_REQUEST));
    verify(imports, never()).probeSource(anyString(), anyString());
  }

  @Test
  void aFailedCompensationIsReportedNotSwallowed() {
    sourceOf(1000);
    doThrow(bad(Failures.NO_SPACE)).when(storage).createSnapshot(any());
    doThrow(bad(Failures.PERMISSION_DENIED)).when(storage).removeImage(any(), any());
    assertThatThrownBy(() -> run(null))
        .isInstanceOf(WorkflowFailedException.class)
        .satisfies(
            e ->
                assertThat(WorkflowTestBed.failureMessage(e))
                    .contains("compensation incomplete")
                    .contains("remove image images/" + ID));
    bed.recordHistory(OWNER, "upload-image-compensation-failed");
  }

  @Test
  void retriesTransientFailuresWithoutCompensating() {
    sourceOf(1000);
    doThrow(ApplicationFailure.newFailure("ceph busy", "Transient"))
        .doNothing()
        .when(storage)
        .createSnapshot(any());
    run(null);
    verify(storage, never()).removeImage(any(), any());
    verify(storage).protectSnapshot(SNAP);
    verify(storage, never()).resizeImage(any(), anyLong(), anyBoolean());
  }

  // --- non-raw: staged in scratch, vetted, written as is ---------------------------------------

  static final String KEY = "upload-" + ID;
  static final long FILE = 300;
  static final long VIRTUAL = 1L << 30;
  static final String SHA512 = "c".repeat(128);

  UploadImageResult runQcow2(String checksum) {
    return bed.start(UploadImageWorkflow.class, OWNER)
        .upload(
            new UploadImageRequest(
                ID, "cirros", "https://example.org/cirros.qcow2", "qcow2", checksum));
  }

  void stagedQcow2() {
    when(imports.hostQueue()).thenReturn(HOST_QUEUE);
    when(onHost.stageSource(any()))
        .thenReturn(new ImportActivities.StagedSource(KEY, FILE, null, SHA512, CHUNKED));
    when(onHost.vetStaged(anyString(), anyString()))
        .thenReturn(new ImportActivities.VettedSource("qcow2", VIRTUAL, FILE));
    when(onHost.writeStaged(anyString(), any()))
        .thenReturn(new ImportActivities.WriteResult(FILE, FILE, SHA, null));
  }

  @Test
  void qcow2IsStagedVettedBeforeAnythingIsCreatedWrittenAsItIsAndTheScratchFileRemoved() {
    stagedQcow2();
    UploadImageResult r = runQcow2("sha512:" + SHA512);
    // a sha512 expected: no full SHA-256 (only the chunked one, recorded as provenance)
    assertThat(r).isEqualTo(new UploadImageResult(ID, "images", ID, "snap", FILE, null, CHUNKED));
    InOrder order = inOrder(storage, imports, onHost);
    order
        .verify(onHost)
        .stageSource(
            new ImportActivities.StageRequest(
                "https://example.org/cirros.qcow2", KEY, "SHA-512", true));
    order.verify(onHost).vetStaged(KEY, "qcow2");
    order.verify(storage).createImage(REF, FILE, bed.operation(OWNER));
    order.verify(onHost).writeStaged(KEY, REF);
    order.verify(storage).createSnapshot(SNAP);
    order.verify(storage).protectSnapshot(SNAP);
    order
        .verify(storage)
        .setMetadata(
            eq(REF),
            argThat(
                m ->
                    Long.toString(VIRTUAL).equals(m.get(Provenance.VIRTUAL_SIZE))
                        && "qcow2".equals(m.get(Provenance.FORMAT))
                        && Long.toString(FILE).equals(m.get(Provenance.SIZE))));
    order.verify(onHost).removeStaged(KEY);
    verify(onHost, times(1)).removeStaged(KEY);
    verify(imports, never()).probeSource(anyString(), anyString());
    verify(storage, never()).removeImage(any(), any());
    // asked once where the file will live; nothing on the file ran anywhere else
    verify(imports, times(1)).hostQueue();
    verifyNoMoreInteractions(imports);
    verify(onHost, never()).hostQueue();
    bed.recordHistory(OWNER, "upload-image-staged");
  }

  @Test
  void convertRawDecodesTheVettedFileIntoARawImageOfTheVirtualSizeOnTheStagingHost() {
    stagedQcow2();
    String rawChunked = "b".repeat(64);
    when(onHost.convertStaged(anyString(), anyString(), any(), anyBoolean()))
        .thenReturn(new ImportActivities.WriteResult(VIRTUAL, VIRTUAL, null, null, rawChunked));
    UploadImageResult r =
        bed.start(UploadImageWorkflow.class, OWNER)
            .upload(
                new UploadImageRequest(
                    ID,
                    "cirros",
                    "https://example.org/cirros.qcow2",
                    "qcow2",
                    "sha512:" + SHA512,
                    "raw"));
    assertThat(r)
        .isEqualTo(new UploadImageResult(ID, "images", ID, "snap", VIRTUAL, null, rawChunked));
    InOrder order = inOrder(storage, onHost);
    order.verify(onHost).vetStaged(KEY, "qcow2");
    order.verify(storage).createImage(REF, VIRTUAL, bed.operation(OWNER));
    order.verify(onHost).convertStaged(KEY, "qcow2", REF, true);
    order.verify(storage).protectSnapshot(SNAP);
    order
        .verify(storage)
        .setMetadata(
            eq(REF),
            argThat(
                m ->
                    "raw".equals(m.get(Provenance.FORMAT))
                        && Long.toString(VIRTUAL).equals(m.get(Provenance.SIZE))
                        && rawChunked.equals(m.get(Provenance.CHUNKED_SHA256))
                        && !m.containsKey(Provenance.SHA256)
                        && "qcow2".equals(m.get(Provenance.SOURCE_FORMAT))
                        && CHUNKED.equals(m.get(Provenance.SOURCE_CHUNKED_SHA256))
                        && !m.containsKey(Provenance.SOURCE_SHA256)));
    verify(onHost, never()).writeStaged(anyString(), any());
    verify(onHost).removeStaged(KEY);
  }

  @Test
  void aFailedConversionAtUploadRemovesTheImageAndTheScratchFile() {
    stagedQcow2();
    when(onHost.convertStaged(anyString(), anyString(), any(), anyBoolean()))
        .thenThrow(bad(Failures.UNSAFE_IMAGE));
    assertThatThrownBy(
            () ->
                bed.start(UploadImageWorkflow.class, OWNER)
                    .upload(
                        new UploadImageRequest(
                            ID,
                            "cirros",
                            "https://example.org/cirros.qcow2",
                            "qcow2",
                            null,
                            "raw")))
        .satisfies(
            e -> assertThat(WorkflowTestBed.failureType(e)).isEqualTo(Failures.UNSAFE_IMAGE));
    InOrder order = inOrder(storage, onHost);
    order.verify(storage).removeImage(REF, bed.operation(OWNER));
    order.verify(onHost).removeStaged(KEY);
    verify(storage, never()).createSnapshot(any());
  }

  @Test
  void aStagingHostThatStopsPollingFailsTheUploadInsteadOfHangingAndCreatesNothing() {
    stagedQcow2();
    when(imports.hostQueue()).thenReturn(TaskQueues.host("gone"));
    // the test server does not skip time while a task waits for a poller: shorten the wait as
    // the worker's per-type options can
    ActivityOptions shortWait =
        ActivityOptions.newBuilder().setScheduleToStartTimeout(Duration.ofSeconds(1)).build();
    var options =
        WorkflowImplementationOptions.newBuilder(WorkflowTestBed.OPTIONS)
            .setActivityOptions(Map.of("StageSource", shortWait, "RemoveStaged", shortWait))
            .build();
    try (WorkflowTestBed gone =
        new WorkflowTestBed(
            UploadImageWorkflowImpl.class, options, Map.of(HOST_QUEUE, onHost), storage, imports)) {
      assertThatThrownBy(
              () ->
                  gone.start(UploadImageWorkflow.class, OWNER)
                      .upload(
                          new UploadImageRequest(
                              ID, "cirros", "https://example.org/cirros.qcow2", "qcow2", null)))
          .isInstanceOf(WorkflowFailedException.class)
          .hasRootCauseInstanceOf(io.temporal.failure.TimeoutFailure.class)
          .cause()
          .isInstanceOfSatisfying(
              io.temporal.failure.ApplicationFailure.class,
              f -> {
                assertThat(f.getType()).isEqualTo(Failures.HOST_UNAVAILABLE);
                assertThat(f.getOriginalMessage())
                    .contains("StageSource")
                    .contains("worker of its host");
              });
    }
    verify(storage, never()).createImage(any(), anyLong(), anyString());
    verify(onHost, never()).stageSource(any());
  }

  @Test
  void aFailedScratchCleanupAfterSuccessDoesNotUndoTheImage() {
    stagedQcow2();
    doThrow(bad(Failures.PERMISSION_DENIED)).when(onHost).removeStaged(anyString());
    assertThat(runQcow2(null).sizeBytes()).isEqualTo(FILE);
    verify(storage, never()).removeImage(any(), any());
  }

  /** The staged path's steps; the scratch file is removed last, exactly once, on every failure. */
  enum StagedStep {
    STAGE(
        t -> when(t.onHost.stageSource(any())).thenThrow(bad(Failures.SOURCE_LENGTH_MISMATCH)),
        "removeStaged"),
    CHECKSUM(
        t ->
            when(t.onHost.stageSource(any()))
                .thenReturn(new ImportActivities.StagedSource(KEY, FILE, SHA, "d".repeat(128))),
        "removeStaged"),
    VET(
        t ->
            when(t.onHost.vetStaged(anyString(), anyString()))
                .thenThrow(bad(Failures.UNSAFE_IMAGE)),
        "removeStaged"),
    CREATE(
        t ->
            doThrow(bad(Failures.CONFLICT))
                .when(t.storage)
                .createImage(any(), anyLong(), anyString()),
        "removeImage",
        "removeStaged"),
    WRITE(
        t -> when(t.onHost.writeStaged(anyString(), any())).thenThrow(bad(Failures.NO_SPACE)),
        "removeImage",
        "removeStaged"),
    SNAPSHOT(
        t -> doThrow(bad(Failures.NO_SPACE)).when(t.storage).createSnapshot(any()),
        "removeSnapshot",
        "removeImage",
        "removeStaged"),
    PROTECT(
        t -> doThrow(bad(Failures.PERMISSION_DENIED)).when(t.storage).protectSnapshot(any()),
        "unprotectSnapshot",
        "removeSnapshot",
        "removeImage",
        "removeStaged"),
    METADATA(
        t -> doThrow(bad(Failures.PERMISSION_DENIED)).when(t.storage).setMetadata(any(), anyMap()),
        "unprotectSnapshot",
        "removeSnapshot",
        "removeImage",
        "removeStaged");

    final Consumer<UploadImageWorkflowTest> inject;
    final List<String> undos;

    StagedStep(Consumer<UploadImageWorkflowTest> inject, String... undos) {
      this.inject = inject;
      this.undos = List.of(undos);
    }
  }

  @ParameterizedTest
  @EnumSource(StagedStep.class)
  void aFailureAtEachStagedStepUndoesExactlyWhatWasDoneInReverseOrder(StagedStep step) {
    stagedQcow2();
    step.inject.accept(this);
    assertThatThrownBy(() -> runQcow2("sha512:" + SHA512))
        .isInstanceOf(WorkflowFailedException.class)
        .satisfies(
            e ->
                assertThat(WorkflowTestBed.failureType(e))
                    .isEqualTo(
                        step == StagedStep.CHECKSUM
                            ? Failures.CHECKSUM_MISMATCH
                            : WorkflowTestBed.injectedType(e)));
    undos().verify(step.undos);
    verify(onHost, times(1)).removeStaged(KEY);
    if (step.ordinal() <= StagedStep.VET.ordinal())
      verify(storage, never()).createImage(any(), anyLong(), anyString());
  }

  @Test
  void malformedChecksumsAreInvalidRequests() {
    assertThatThrownBy(() -> runQcow2("md5:" + "a".repeat(32)))
        .satisfies(
            e -> assertThat(WorkflowTestBed.failureType(e)).isEqualTo(Failures.INVALID_REQUEST));
    assertThat(Checksum.parse("SHA512:" + "A".repeat(128)))
        .isEqualTo(new Checksum("SHA-512", "a".repeat(128)));
    assertThat(Checksum.parse("a".repeat(64))).isEqualTo(new Checksum("SHA-256", "a".repeat(64)));
    assertThatThrownBy(() -> Checksum.parse("sha512:" + "a".repeat(64)))
        .hasMessageContaining("128 hex digits");
  }
}
