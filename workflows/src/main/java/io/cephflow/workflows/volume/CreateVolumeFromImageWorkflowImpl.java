package io.cephflow.workflows.volume;

import io.cephflow.workflows.common.Compensations;
import io.cephflow.workflows.image.RawCopy;
import io.cephflow.workflows.common.Failures;
import io.cephflow.workflows.common.ImageSource;
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
import java.time.Instant;
import java.util.Map;

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
      ImageStat stat = storage.statImage(image);
      ImageSource source = ImageSource.of(request.imageId(), stat);
      life.hold("image", request.imageId(), true, undo);
      String format = source.format();
      long virtualSize = source.virtualSizeBytes();
      long size = VolumeSteps.targetSize(request.sizeBytes(), virtualSize, "image " + request.imageId());

      undo.add("remove volume " + volume, () -> storage.removeImage(volume, owner));
      if (RAW.equals(format)) {
        progress = OperationProgress.at("clone");
        storage.cloneImage(imageSnap, volume, owner);
      } else {
        // convert once into the image's raw copy, then clone it (before the change: every volume converted)
        SnapRef rawCopy = null;
        if (life.recorded() && RawCopy.enabled()) {
          rawCopy = new RawCopy(request.imageId()).ensure(stat, source, owner, p -> progress = p);
        }
        if (rawCopy != null) {
          progress = OperationProgress.at("clone");
          storage.cloneImage(rawCopy, volume, owner);
        } else {
          progress = OperationProgress.at("create-volume");
          storage.createImage(volume, virtualSize, owner);
          progress = new OperationProgress("convert", 0, virtualSize);
          convert.convertImageInto(image, format, volume);
        }
      }
      // copies record their own provenance (a clone inherits its image's name, size and checksum)
      Map<String, String> own = life.recorded()
          ? source.copyProvenance(size, Instant.ofEpochMilli(Workflow.currentTimeMillis()).toString()) : null;
      return VolumeSteps.finish(storage, request.volumeId(), volume, size, virtualSize, imageSnap.toString(), p -> progress = p,
          () -> life.created("volume", request.volumeId(), null), own, source.keptByCopy(size));
    } catch (TemporalFailure e) {
      throw undo.failWith(e, step -> progress = progress.ending(step));
    }
  }

  @Override
  public OperationProgress progress() {
    return progress;
  }
}
