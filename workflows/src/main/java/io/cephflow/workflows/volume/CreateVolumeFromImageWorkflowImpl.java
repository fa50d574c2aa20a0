package io.cephflow.workflows.volume;

import io.cephflow.workflows.common.Compensations;
import io.cephflow.workflows.common.Failures;
import io.cephflow.workflows.common.Lifecycle;
import io.cephflow.workflows.common.OperationProgress;
import io.cephflow.workflows.common.Provenance;
import io.cephflow.workflows.common.RbdRef;
import io.cephflow.workflows.common.ResourceTags;
import io.cephflow.workflows.common.SnapRef;
import io.cephflow.workflows.storage.ConvertActivities;
import io.cephflow.workflows.storage.StorageActivities;
import io.cephflow.workflows.storage.StorageActivities.ImageStat;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Workflow;

/** See {@link CreateVolumeFromImageWorkflow}. */
public class CreateVolumeFromImageWorkflowImpl implements CreateVolumeFromImageWorkflow {
  static final String RAW = "raw";

  private final StorageActivities storage = Workflow.newActivityStub(StorageActivities.class);
  private final ConvertActivities convert = Workflow.newActivityStub(ConvertActivities.class);
  private OperationProgress progress = OperationProgress.at("validate");

  @Override
  public VolumeResult create(CreateVolumeFromImageRequest request) {
    Failures.validated(request::validate);
    ResourceTags.tag(ResourceTags.volume(request.volumeId()), ResourceTags.image(request.imageId()));
    Lifecycle life = Lifecycle.begin();
    String owner = life.operation();
    RbdRef image = RbdRef.image(request.imageId());
    SnapRef imageSnap = SnapRef.imageSnap(request.imageId());
    RbdRef volume = RbdRef.volume(request.volumeId());
    Compensations undo = new Compensations();
    try {
      progress = OperationProgress.at("claim");
      life.create("volume", request.volumeId(), request, ResourceTags.image(request.imageId()), undo);
      progress = OperationProgress.at("inspect-image");
      ImageStat source = storage.statImage(image);
      String format = formatOf(image, source);
      long virtualSize = virtualSizeOf(image, source, format);
      long size = VolumeSteps.targetSize(request.sizeBytes(), virtualSize, "image " + request.imageId());

      undo.add("remove volume " + volume, () -> storage.removeImage(volume, owner));
      if (RAW.equals(format)) {
        progress = new OperationProgress("clone", 0, virtualSize);
        storage.cloneImage(imageSnap, volume, owner);
      } else {
        progress = new OperationProgress("create-volume", 0, virtualSize);
        storage.createImage(volume, virtualSize, owner);
        progress = new OperationProgress("convert", 0, virtualSize);
        convert.convertImageInto(image, format, volume);
      }
      return VolumeSteps.finish(storage, request.volumeId(), volume, size, virtualSize, imageSnap.toString(), p -> progress = p,
          () -> life.created("volume", request.volumeId(), null));
    } catch (TemporalFailure e) {
      throw undo.failWith(e, step -> progress = OperationProgress.at(step));
    }
  }

  /**
   * The format UploadImage recorded as its last step: an image without it is missing or still
   * being uploaded, and cloning it could expose a half-written disk.
   */
  private static String formatOf(RbdRef image, ImageStat stat) {
    String format = stat.exists() ? stat.metadata().get(Provenance.FORMAT) : null;
    if (format == null) {
      throw ApplicationFailure.newNonRetryableFailure("image " + image + " does not exist or its upload has not "
          + "finished (no " + Provenance.FORMAT + ")", Failures.NOT_FOUND);
    }
    return format;
  }

  private static long virtualSizeOf(RbdRef image, ImageStat stat, String format) {
    String recorded = stat.metadata().get(Provenance.VIRTUAL_SIZE);
    if (recorded != null && recorded.matches("[0-9]{1,19}")) return Long.parseLong(recorded);
    if (RAW.equals(format)) return stat.sizeBytes();
    throw ApplicationFailure.newNonRetryableFailure("image " + image + " (" + format + ") has no recorded "
        + Provenance.VIRTUAL_SIZE + ": its disk size is unknown", Failures.UNSUPPORTED_FORMAT);
  }

  @Override
  public OperationProgress progress() {
    return progress;
  }
}
