package io.cephflow.activities;

import io.cephflow.ceph.ImageRef;
import io.cephflow.ceph.ImportResult;
import io.cephflow.ceph.Rbd;
import io.cephflow.ceph.RbdException;
import io.cephflow.transfer.SourceException;
import io.cephflow.transfer.Sources;
import io.cephflow.transfer.StreamDataSource;
import io.cephflow.workflows.common.Failures;
import io.cephflow.workflows.storage.ImportActivities;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

/** {@link ImportActivities}: streams a source into RBD with bounded memory and heartbeats. */
public class ImportActivitiesImpl implements ImportActivities, CephflowActivities {
  private static final byte[] QCOW2_MAGIC = {'Q', 'F', 'I', (byte) 0xfb};
  private final Sources sources;
  private final Rbd rbd;

  public ImportActivitiesImpl(Sources sources, Rbd rbd) {
    this.sources = sources;
    this.rbd = rbd;
  }

  @Override
  public SourceInfo probeSource(String source, String diskFormat) {
    if (!"raw".equals(diskFormat)) {
      throw ApplicationFailure.newNonRetryableFailure("disk format '" + diskFormat
          + "' is not supported yet: only raw images are accepted", Failures.UNSUPPORTED_FORMAT);
    }
    try (Sources.Opened opened = sources.open(source)) {
      byte[] head = opened.body().readNBytes(4);
      if (head.length == 0) throw ApplicationFailure.newNonRetryableFailure(source + " is empty", Failures.SOURCE_EMPTY);
      if (Arrays.equals(head, QCOW2_MAGIC)) {
        throw ApplicationFailure.newNonRetryableFailure("declared raw, but " + source + " is a qcow2 image",
            Failures.UNSAFE_IMAGE);
      }
      return new SourceInfo(opened.length(), diskFormat);
    } catch (SourceException e) {
      throw ActivityErrors.of(e);
    } catch (IOException e) {
      throw ApplicationFailure.newFailureWithCause("reading " + source + ": " + e.getMessage(), "SourceIo", e);
    }
  }

  @Override
  public WriteResult writeFromSource(WriteRequest request) {
    ActivityExecutionContext ctx = Activity.getExecutionContext();
    long resumeFrom = ctx.getHeartbeatDetails(long[].class).map(d -> d[0]).orElse(0L);
    ImageRef target = StorageActivitiesImpl.ref(request.target());
    try (Sources.Opened opened = sources.open(request.source());
         StreamDataSource data = new StreamDataSource(opened.body(), opened.length(), "SHA-256",
             sources.policy().maxBytes())) {
      if (request.expectedSizeBytes() >= 0 && opened.length() >= 0 && opened.length() != request.expectedSizeBytes()) {
        throw ApplicationFailure.newNonRetryableFailure("the source changed size: " + opened.length()
            + " bytes now, " + request.expectedSizeBytes() + " when probed", Failures.SOURCE_LENGTH_MISMATCH);
      }
      ImportResult r = rbd.streams().write(target, data, resumeFrom,
          (done, total) -> ctx.heartbeat(new long[] {done, total}));
      if (r.bytesRead() == 0) {
        throw ApplicationFailure.newNonRetryableFailure(request.source() + " is empty", Failures.SOURCE_EMPTY);
      }
      if (request.expectedSizeBytes() >= 0 && r.bytesRead() != request.expectedSizeBytes()) {
        throw ApplicationFailure.newNonRetryableFailure("the source ended after " + r.bytesRead()
            + " of " + request.expectedSizeBytes() + " bytes", Failures.SOURCE_LENGTH_MISMATCH);
      }
      return new WriteResult(r.bytesRead(), r.bytesWritten(), data.hexDigest());
    } catch (SourceException e) {
      throw ActivityErrors.of(e);
    } catch (RbdException e) {
      throw ActivityErrors.of(e);
    } catch (UncheckedIOException e) {
      throw ioFailure(request, e.getCause());
    } catch (IOException e) {
      throw ioFailure(request, e);
    }
  }

  private static ApplicationFailure ioFailure(WriteRequest request, IOException e) {
    if (e instanceof StreamDataSource.SourceTooLargeException) {
      return ApplicationFailure.newNonRetryableFailure(e.getMessage(), Failures.SOURCE_TOO_LARGE);
    }
    String msg = String.valueOf(e.getMessage());
    if (msg.contains("Premature EOF") || msg.contains("premature")) {
      // retried: a broken connection looks the same; the final failure keeps this type
      return ApplicationFailure.newFailureWithCause("the source ended before its Content-Length: " + msg,
          Failures.SOURCE_LENGTH_MISMATCH, e);
    }
    return ApplicationFailure.newFailureWithCause("reading " + request.source() + ": " + msg, "SourceIo", e);
  }

}
