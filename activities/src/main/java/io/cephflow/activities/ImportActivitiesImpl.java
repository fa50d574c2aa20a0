package io.cephflow.activities;

import io.cephflow.ceph.ImportResult;
import io.cephflow.ceph.Progress;
import io.cephflow.ceph.Rbd;
import io.cephflow.ceph.RbdException;
import io.cephflow.intake.ImageIntake;
import io.cephflow.intake.VettedImage;
import io.cephflow.intake.format.DiskFormat;
import io.cephflow.intake.format.UnsafeImageException;
import io.cephflow.intake.qemu.QemuProcessException;
import io.cephflow.transfer.ChunkedSha256;
import io.cephflow.transfer.RawDigest;
import io.cephflow.transfer.ScratchArea;
import io.cephflow.transfer.ScratchFullException;
import io.cephflow.transfer.SourceException;
import io.cephflow.transfer.SourceReadException;
import io.cephflow.transfer.Sources;
import io.cephflow.transfer.SparseFileDataSource;
import io.cephflow.transfer.StagedDownload;
import io.cephflow.transfer.StreamDataSource;
import io.cephflow.workflows.common.Failures;
import io.cephflow.workflows.common.RbdRef;
import io.cephflow.workflows.storage.ImportActivities;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * {@link ImportActivities}: raw sources stream into RBD with bounded memory; other formats are
 * staged in the private scratch area, vetted by {@link ImageIntake}, and written as they are.
 * Resume after a retry re-reads the skipped prefix without writing it, so the SHA-256 over the
 * whole source stays right (a Range request would skip the bytes the digest needs). A local raw
 * file skips its holes (hashed as zeros) instead of reading them.
 */
public class ImportActivitiesImpl implements ImportActivities, CephflowActivities {
  /**
   * Every buffer: a slow but live server must not look dead to the heartbeat timeout (the SDK
   * throttles what it actually sends).
   */
  private static final int HEARTBEAT_EVERY = 1 << 20;

  private static final String SHA256 = "SHA-256";
  private final Sources sources;
  private final Rbd rbd;
  private final ScratchArea scratch;
  private final ImageIntake intake;
  private final String hostQueue;

  /**
   * @param hostQueue the task queue this worker's host polls, where its scratch files can be
   *     reached
   */
  public ImportActivitiesImpl(
      Sources sources, Rbd rbd, ScratchArea scratch, ImageIntake intake, String hostQueue) {
    this.sources = sources;
    this.rbd = rbd;
    this.scratch = scratch;
    this.intake = intake;
    this.hostQueue = hostQueue;
  }

  @Override
  public String hostQueue() {
    return hostQueue;
  }

  @Override
  public SourceInfo probeSource(String source, String diskFormat) {
    DiskFormat declared = format(diskFormat);
    if (declared != DiskFormat.RAW && declared != DiskFormat.ISO) {
      throw ApplicationFailure.newNonRetryableFailure(
          "only raw and iso sources stream; '" + diskFormat + "' must be staged and vetted first",
          Failures.UNSUPPORTED_FORMAT);
    }
    try (Sources.Opened opened = sources.open(source)) {
      byte[] head = opened.body().readNBytes(ImageIntake.HEAD_BYTES);
      if (head.length == 0)
        throw ApplicationFailure.newNonRetryableFailure(
            source + " is empty", Failures.SOURCE_EMPTY);
      intake.inspectHead(head, declared);
      return new SourceInfo(opened.length(), diskFormat);
    } catch (SourceException e) {
      throw ActivityErrors.of(e);
    } catch (UnsafeImageException e) {
      throw ActivityErrors.of(e);
    } catch (IOException e) {
      throw ioFailure(source, e);
    }
  }

  @Override
  public WriteResult writeFromSource(WriteRequest request) {
    ActivityExecutionContext ctx = Activity.getExecutionContext();
    long resumeFrom = ctx.getHeartbeatDetails(long[].class).map(d -> d[0]).orElse(0L);
    RbdRef target = StorageActivitiesImpl.ref(request.target());
    try (Sources.Opened opened = sources.open(request.source());
        LiveHeartbeat progress = LiveHeartbeat.start(ctx, resumeFrom)) {
      if (request.expectedSizeBytes() >= 0
          && opened.length() >= 0
          && opened.length() != request.expectedSizeBytes()) {
        throw ApplicationFailure.newNonRetryableFailure(
            "the source changed size: "
                + opened.length()
                + " bytes now, "
                + request.expectedSizeBytes()
                + " when probed",
            Failures.SOURCE_LENGTH_MISMATCH);
      }
      WriteResult w =
          opened.file() != null
              ? writeFile(opened.file(), target, resumeFrom, request, progress)
              : writeStream(opened, target, resumeFrom, request, progress);
      if (w.bytesRead() == 0) {
        throw ApplicationFailure.newNonRetryableFailure(
            request.source() + " is empty", Failures.SOURCE_EMPTY);
      }
      if (request.expectedSizeBytes() >= 0 && w.bytesRead() != request.expectedSizeBytes()) {
        throw ApplicationFailure.newNonRetryableFailure(
            "the source ended after "
                + w.bytesRead()
                + " of "
                + request.expectedSizeBytes()
                + " bytes",
            Failures.SOURCE_LENGTH_MISMATCH);
      }
      return w;
    } catch (SourceException e) {
      throw ActivityErrors.of(e);
    } catch (RbdException e) {
      throw ActivityErrors.of(e);
    } catch (UncheckedIOException e) {
      throw ioFailure(request.source(), e.getCause());
    } catch (IOException e) {
      throw ioFailure(request.source(), e);
    }
  }

  /**
   * A local file: its holes are skipped (SEEK_DATA/SEEK_HOLE), never read, and hashed as the zeros
   * they are; the data is read once, straight into the writer's buffers.
   */
  private WriteResult writeFile(
      Path file, RbdRef target, long resumeFrom, WriteRequest request, Progress progress)
      throws IOException {
    String[] algorithms = algorithms(request.skipSha256(), request.checksumAlgorithm());
    try (RawDigest data = new RawDigest(new SparseFileDataSource(file), algorithms)) {
      ImportResult r = rbd.streams().write(target, data, resumeFrom, progress);
      return new WriteResult(
          data.size(),
          r.bytesWritten(),
          data.hex(SHA256),
          extra(data::hex, request),
          data.hex(ChunkedSha256.ALGORITHM));
    }
  }

  /** A URL: every byte arrives, is hashed and checked against the size cap on the way. */
  private WriteResult writeStream(
      Sources.Opened opened,
      RbdRef target,
      long resumeFrom,
      WriteRequest request,
      Progress progress)
      throws IOException {
    String[] algorithms = algorithms(request.skipSha256(), request.checksumAlgorithm());
    try (StreamDataSource data =
        new StreamDataSource(
            opened.body(), opened.length(), sources.policy().maxBytes(), algorithms)) {
      ImportResult r = rbd.streams().write(target, data, resumeFrom, progress);
      return new WriteResult(
          r.bytesRead(),
          r.bytesWritten(),
          data.hex(SHA256),
          extra(data::hex, request),
          data.hex(ChunkedSha256.ALGORITHM));
    }
  }

  /**
   * The chunked SHA-256 always (the provenance digest), the full SHA-256 unless skipped, and the
   * caller's extra digest (an older flow asks for SHA-256 there too: computed once).
   */
  public static String[] algorithms(boolean skipSha256, String extra) {
    boolean sha256 = !skipSha256 || SHA256.equals(extra);
    return new String[] {
      ChunkedSha256.ALGORITHM,
      sha256 ? SHA256 : null,
      extra == null || extra.equals(SHA256) ? null : extra
    };
  }

  private static String extra(java.util.function.UnaryOperator<String> hex, WriteRequest request) {
    return request.checksumAlgorithm() == null ? null : hex.apply(request.checksumAlgorithm());
  }

  @Override
  public StagedSource stageSource(StageRequest request) {
    ActivityExecutionContext ctx = Activity.getExecutionContext();
    Path file = scratchFile(request.scratchKey());
    try (LiveHeartbeat progress = LiveHeartbeat.start(ctx, 0)) {
      String extra = request.checksumAlgorithm();
      boolean sha256 = !request.skipSha256() || SHA256.equals(extra);
      StagedDownload.Result r =
          StagedDownload.fetch(
              sources,
              scratch,
              request.source(),
              file,
              sha256,
              SHA256.equals(extra) ? null : extra,
              HEARTBEAT_EVERY,
              progress);
      if (r.bytes() == 0) {
        throw ApplicationFailure.newNonRetryableFailure(
            request.source() + " is empty", Failures.SOURCE_EMPTY);
      }
      String checksum = SHA256.equals(extra) ? r.sha256() : r.checksum();
      return new StagedSource(
          request.scratchKey(), r.bytes(), r.sha256(), checksum, r.chunkedSha256());
    } catch (SourceException e) {
      throw ActivityErrors.of(e);
    } catch (ScratchFullException e) {
      throw ActivityErrors.of(e);
    } catch (IOException e) {
      throw ioFailure(request.source(), e);
    }
  }

  @Override
  public VettedSource vetStaged(String scratchKey, String diskFormat) {
    Path file = scratchFile(scratchKey);
    try {
      VettedImage v = intake.vet(file, format(diskFormat));
      return new VettedSource(diskFormat, v.virtualSize(), v.inspected().fileSize());
    } catch (UnsafeImageException e) {
      throw ActivityErrors.of(e);
    } catch (QemuProcessException e) {
      throw ActivityErrors.ofVetting(e);
    } catch (NoSuchFileException e) {
      throw missingScratch(scratchKey);
    } catch (IOException e) {
      throw ApplicationFailure.newFailureWithCause(
          "vetting " + scratchKey + ": " + e.getMessage(), Failures.INTAKE_IO, e);
    }
  }

  @Override
  public WriteResult writeStaged(String scratchKey, RbdRef target) {
    ActivityExecutionContext ctx = Activity.getExecutionContext();
    long resumeFrom = ctx.getHeartbeatDetails(long[].class).map(d -> d[0]).orElse(0L);
    Path file = scratchFile(scratchKey);
    try (SparseFileDataSource data = new SparseFileDataSource(file);
        LiveHeartbeat progress = LiveHeartbeat.start(ctx, resumeFrom)) {
      ImportResult r =
          rbd.streams().write(StorageActivitiesImpl.ref(target), data, resumeFrom, progress);
      return new WriteResult(data.size(), r.bytesWritten(), null, null);
    } catch (RbdException e) {
      throw ActivityErrors.of(e);
    } catch (NoSuchFileException e) {
      throw missingScratch(scratchKey);
    } catch (IOException | UncheckedIOException e) {
      throw ApplicationFailure.newFailureWithCause(
          "writing " + scratchKey + " into " + target + ": " + e.getMessage(),
          Failures.INTAKE_IO,
          e);
    }
  }

  @Override
  public WriteResult convertStaged(
      String scratchKey, String diskFormat, RbdRef target, boolean skipSha256) {
    ActivityExecutionContext ctx = Activity.getExecutionContext();
    long resumeFrom = ctx.getHeartbeatDetails(long[].class).map(d -> d[0]).orElse(0L);
    Path file = scratchFile(scratchKey);
    DiskFormat format = format(diskFormat);
    RbdRef into = StorageActivitiesImpl.ref(target);
    try {
      // vetted again: qemu opens nothing this gate has not passed, whatever happened to the file
      // since
      VettedImage vetted = intake.vet(file, format);
      long room = rbd.images().stat(into).sizeBytes();
      if (vetted.virtualSize() > room) {
        throw ApplicationFailure.newNonRetryableFailure(
            "the image's virtual size "
                + vetted.virtualSize()
                + " does not fit "
                + target
                + " ("
                + room
                + " bytes)",
            Failures.SOURCE_TOO_LARGE);
      }
      try (RawDigest raw =
              new RawDigest(intake.openRaw(vetted, format), algorithms(skipSha256, null));
          LiveHeartbeat progress = LiveHeartbeat.start(ctx, resumeFrom)) {
        ImportResult r = rbd.streams().write(into, raw, resumeFrom, progress);
        return new WriteResult(
            vetted.virtualSize(),
            r.bytesWritten(),
            raw.hex(SHA256),
            null,
            raw.hex(ChunkedSha256.ALGORITHM));
      }
    } catch (UnsafeImageException e) {
      throw ActivityErrors.of(e);
    } catch (RbdException e) {
      throw ActivityErrors.of(e);
    } catch (QemuProcessException e) {
      throw ActivityErrors.ofDecoding(e);
    } catch (NoSuchFileException e) {
      throw missingScratch(scratchKey);
    } catch (UncheckedIOException e) {
      if (e.getCause() instanceof QemuProcessException q) throw ActivityErrors.ofDecoding(q);
      throw ApplicationFailure.newFailureWithCause(
          "converting " + scratchKey + " into " + target + ": " + e.getMessage(),
          Failures.CONVERT_IO,
          e);
    } catch (IOException e) {
      throw ApplicationFailure.newFailureWithCause(
          "converting " + scratchKey + " into " + target + ": " + e.getMessage(),
          Failures.CONVERT_IO,
          e);
    }
  }

  @Override
  public void removeStaged(String scratchKey) {
    try {
      ScratchArea.delete(scratchFile(scratchKey));
    } catch (UncheckedIOException e) {
      throw ApplicationFailure.newFailureWithCause(e.getMessage(), Failures.INTAKE_IO, e);
    }
  }

  private Path scratchFile(String key) {
    try {
      return scratch.file(key);
    } catch (IllegalArgumentException e) {
      throw ApplicationFailure.newNonRetryableFailure(e.getMessage(), Failures.INVALID_REQUEST);
    }
  }

  /** Flows send every step on a file to the host that staged it; so it was removed meanwhile. */
  private ApplicationFailure missingScratch(String key) {
    return ApplicationFailure.newNonRetryableFailure(
        "scratch file " + key + " is not on " + hostQueue + " (removed, or staged on another host)",
        Failures.SOURCE_NOT_FOUND);
  }

  static DiskFormat format(String name) {
    try {
      return DiskFormat.fromName(name);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw ApplicationFailure.newNonRetryableFailure(
          "unknown disk format '" + name + "'", Failures.UNSUPPORTED_FORMAT);
    }
  }

  private static ApplicationFailure ioFailure(String source, IOException e) {
    if (e instanceof SourceReadException typed) return ActivityErrors.of(source, typed);
    return ApplicationFailure.newFailureWithCause(
        "reading " + source + ": " + e.getMessage(), Failures.SOURCE_IO, e);
  }
}
