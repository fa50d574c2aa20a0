package io.cephflow.activities;

import io.cephflow.ceph.RbdException;
import io.cephflow.ceph.RbdMetadata;
import io.cephflow.intake.ImageConverter;
import io.cephflow.intake.format.DiskFormat;
import io.cephflow.intake.format.UnsafeImageException;
import io.cephflow.intake.qemu.QemuProcessException;
import io.cephflow.transfer.ScratchFullException;
import io.cephflow.workflows.common.Failures;
import io.cephflow.workflows.common.Provenance;
import io.cephflow.workflows.common.RbdRef;
import io.cephflow.workflows.storage.ConvertActivities;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * {@link ConvertActivities} over {@link ImageConverter}: heartbeats, resume point, error mapping.
 */
public class ConvertActivitiesImpl implements ConvertActivities, CephflowActivities {
  private final ImageConverter converter;
  private final RbdMetadata metadata;

  public ConvertActivitiesImpl(ImageConverter converter, RbdMetadata metadata) {
    this.converter = converter;
    this.metadata = metadata;
  }

  @Override
  public ConvertResult convertImageInto(RbdRef source, String diskFormat, RbdRef target) {
    ActivityExecutionContext ctx = Activity.getExecutionContext();
    long resumeFrom = ctx.getHeartbeatDetails(long[].class).map(d -> d[0]).orElse(0L);
    DiskFormat format = ImportActivitiesImpl.format(diskFormat);
    RbdRef into = StorageActivitiesImpl.ref(target);
    try (LiveHeartbeat progress = LiveHeartbeat.start(ctx, resumeFrom)) {
      ImageConverter.Result r =
          converter.convert(StorageActivitiesImpl.ref(source), format, into, resumeFrom, progress);
      // provenance of what was written: the digest of the raw image, checkable with rbd export
      metadata.set(into, Provenance.SHA256, r.sha256());
      metadata.set(into, Provenance.VIRTUAL_SIZE, Long.toString(r.virtualSizeBytes()));
      return new ConvertResult(r.virtualSizeBytes(), r.bytesWritten(), r.sha256());
    } catch (UnsafeImageException e) {
      throw ActivityErrors.of(e);
    } catch (ImageConverter.TargetTooSmallException e) {
      throw ApplicationFailure.newNonRetryableFailure(e.getMessage(), Failures.SOURCE_TOO_LARGE);
    } catch (RbdException e) {
      throw ActivityErrors.of(e);
    } catch (UncheckedIOException e) {
      throw ioFailure(source, target, e.getCause()); // the writer wraps what the decoder threw
    } catch (IOException e) {
      throw ioFailure(source, target, e);
    }
  }

  private static ApplicationFailure ioFailure(RbdRef source, RbdRef target, IOException e) {
    if (e instanceof QemuProcessException q) return ActivityErrors.ofDecoding(q);
    if (e instanceof ScratchFullException full)
      return ActivityErrors.of(full); // the export to scratch
    return ApplicationFailure.newFailureWithCause(
        "converting " + source + " into " + target + ": " + e.getMessage(), Failures.CONVERT_IO, e);
  }
}
