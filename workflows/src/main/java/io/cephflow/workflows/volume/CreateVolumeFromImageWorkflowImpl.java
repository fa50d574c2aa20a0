package io.cephflow.workflows.volume;

import io.cephflow.workflows.common.Compensations;
import io.cephflow.workflows.common.CopySource;
import io.cephflow.workflows.common.Flow;
import io.cephflow.workflows.common.ImageSource;
import io.cephflow.workflows.common.Lifecycle;
import io.cephflow.workflows.common.OperationProgress;
import io.cephflow.workflows.common.RbdRef;
import io.cephflow.workflows.common.ResourceTags;
import io.cephflow.workflows.common.SnapRef;
import io.cephflow.workflows.common.Steps;
import io.cephflow.workflows.flatten.CloneDepth;
import io.cephflow.workflows.image.RawCopy;
import io.cephflow.workflows.storage.ConvertActivities;
import io.cephflow.workflows.storage.StorageActivities;
import io.temporal.workflow.Workflow;
import java.time.Instant;
import java.util.Map;

/** See {@link CreateVolumeFromImageWorkflow}. */
public class CreateVolumeFromImageWorkflowImpl implements CreateVolumeFromImageWorkflow {
  static final String RAW = "raw";

  private final StorageActivities storage = Steps.storage();
  private final ConvertActivities convert = Workflow.newActivityStub(ConvertActivities.class);
  private final Flow flow = new Flow();

  @Override
  public VolumeResult create(CreateVolumeFromImageRequest request) {
    flow.admit(
        request::validate,
        ResourceTags.volume(request.volumeId()),
        ResourceTags.image(request.imageId()));
    Lifecycle life = flow.life();
    String owner = life.operation();
    SnapRef imageSnap = SnapRef.imageSnap(request.imageId());
    RbdRef volume = RbdRef.volume(request.volumeId());
    Compensations undo = flow.undo();
    return flow.saga(
        () -> {
          CopySource copy =
              CopySource.claimAndRead(
                  flow, storage, "volume", request.volumeId(), request, request.imageId());
          ImageSource source = copy.source();
          life.hold("image", request.imageId(), true, undo);
          String format = source.format();
          long virtualSize = source.virtualSizeBytes();
          long size =
              VolumeSteps.targetSize(
                  request.sizeBytes(), virtualSize, "image " + request.imageId());

          undo.add("remove volume " + volume, () -> storage.removeImage(volume, owner));
          CloneDepth depth = null;
          if (RAW.equals(format)) {
            flow.at("clone");
            storage.cloneImage(imageSnap, volume, owner);
            depth = CloneDepth.of(volume, copy.stat().depth() + 1);
          } else {
            // convert once into the image's raw copy, then clone it (before the change: every
            // volume converted)
            SnapRef rawCopy = null;
            if (life.recorded() && RawCopy.enabled()) {
              rawCopy =
                  new RawCopy(request.imageId()).ensure(copy.stat(), source, owner, flow::report);
            }
            if (rawCopy != null) {
              flow.at("clone");
              storage.cloneImage(rawCopy, volume, owner);
              depth = CloneDepth.of(volume, 1); // the raw copy is no clone
            } else {
              flow.at("create-volume");
              storage.createImage(volume, virtualSize, owner);
              flow.at("convert", 0, virtualSize);
              convert.convertImageInto(copy.image(), format, volume);
            }
          }
          // copies record their own provenance (a clone inherits its image's name, size and
          // checksum)
          Map<String, String> own =
              life.recorded()
                  ? source.copyProvenance(
                      size, Instant.ofEpochMilli(Workflow.currentTimeMillis()).toString())
                  : null;
          return VolumeSteps.finish(
              storage,
              flow,
              request.volumeId(),
              volume,
              size,
              virtualSize,
              imageSnap.toString(),
              own,
              source.keptByCopy(size),
              depth);
        });
  }

  @Override
  public OperationProgress progress() {
    return flow.progress();
  }
}
