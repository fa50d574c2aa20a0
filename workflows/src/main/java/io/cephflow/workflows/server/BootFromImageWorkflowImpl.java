package io.cephflow.workflows.server;

import io.cephflow.workflows.common.Compensations;
import io.cephflow.workflows.common.CopySource;
import io.cephflow.workflows.common.Failures;
import io.cephflow.workflows.common.Flow;
import io.cephflow.workflows.common.ImageSource;
import io.cephflow.workflows.common.Lifecycle;
import io.cephflow.workflows.common.OperationProgress;
import io.cephflow.workflows.common.Provenance;
import io.cephflow.workflows.common.RbdRef;
import io.cephflow.workflows.common.ResourceTags;
import io.cephflow.workflows.common.SnapRef;
import io.cephflow.workflows.common.Steps;
import io.cephflow.workflows.flatten.CloneDepth;
import io.cephflow.workflows.hypervisor.HypervisorActivities;
import io.cephflow.workflows.image.RawCopy;
import io.cephflow.workflows.storage.ConvertActivities;
import io.cephflow.workflows.storage.StorageActivities;
import io.cephflow.workflows.storage.StorageActivities.ImageStat;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** See {@link BootFromImageWorkflow}. */
public class BootFromImageWorkflowImpl implements BootFromImageWorkflow {
  static final long GiB = 1L << 30;
  static final String RAW = "raw";

  /**
   * forbidSlowPath makes the first raw copy (convert once) and refuses only a conversion into the
   * disk.
   */
  static final String FORBID_MAKES_COPY = "forbid-slow-path-makes-copy";

  private final StorageActivities storage = Steps.storage();
  private final ConvertActivities convert = Workflow.newActivityStub(ConvertActivities.class);
  private final Flow flow = new Flow();

  @Override
  public ServerResult boot(BootFromImageRequest request) {
    flow.admit(
        request::validate,
        ResourceTags.server(request.serverId()),
        ResourceTags.image(request.imageId()));
    Lifecycle life = flow.life();
    String owner = life.operation();
    String hypervisor = request.hypervisorOrDefault();
    HypervisorActivities hv = DomainSteps.on(hypervisor);
    RbdRef disk = RbdRef.serverDisk(request.serverId());
    Compensations undo = flow.undo();
    return flow.saga(
        () -> {
          // with records: the one reader every copying flow shares; before: as these flows read it
          // then
          CopySource copy =
              CopySource.claimAndRead(
                  flow,
                  storage,
                  "server",
                  request.serverId(),
                  request,
                  request.imageId(),
                  life.recorded()
                      ? ImageSource::of
                      : (imageId, read) -> unrecordedSource(request, read));
          ImageStat stat = copy.stat();
          ImageSource source = copy.source();
          life.hold("image", request.imageId(), true, undo);
          String format = source.format();
          long virtualSize = source.virtualSizeBytes();
          long rootBytes = request.rootDiskGb() * GiB;
          if (rootBytes > 0 && rootBytes < virtualSize) {
            throw ApplicationFailure.newNonRetryableFailure(
                "root disk of "
                    + request.rootDiskGb()
                    + " GiB is smaller than the image ("
                    + virtualSize
                    + " bytes)",
                Failures.INVALID_REQUEST);
          }

          CloneDepth depth = null;
          if (RAW.equals(format)) {
            flow.at("clone");
            undo.add("remove disk " + disk, () -> storage.removeImage(disk, owner));
            storage.cloneImage(SnapRef.imageSnap(request.imageId()), disk, owner);
            depth = CloneDepth.of(disk, stat.depth() + 1);
          } else {
            // convert once into the image's raw copy, then clone it (before the change: every boot
            // converted)
            boolean once = life.recorded() && RawCopy.enabled();
            SnapRef rawCopy = once ? RawCopy.ready(request.imageId(), stat) : null;
            // before: refused whenever the copy was not made yet, so with the policy on it never
            // was
            boolean copyFirst =
                once && Workflow.getVersion(FORBID_MAKES_COPY, Workflow.DEFAULT_VERSION, 1) == 1;
            if (rawCopy == null && request.forbidSlowPath() && !copyFirst)
              throw slowPathForbidden(request, format);
            if (once && rawCopy == null) {
              rawCopy = new RawCopy(request.imageId()).ensure(stat, source, owner, flow::report);
            }
            if (rawCopy == null && request.forbidSlowPath())
              throw slowPathForbidden(request, format);
            if (rawCopy != null) {
              flow.at("clone");
              undo.add("remove disk " + disk, () -> storage.removeImage(disk, owner));
              storage.cloneImage(rawCopy, disk, owner);
              depth = CloneDepth.of(disk, 1); // the raw copy is no clone
            } else {
              flow.at("create-disk");
              undo.add("remove disk " + disk, () -> storage.removeImage(disk, owner));
              storage.createImage(disk, virtualSize, owner);
              flow.at("convert", 0, virtualSize);
              convert.convertImageInto(copy.image(), format, disk);
            }
          }
          if (depth != null) depth.flattenIfAboveHard(flow::report);
          if (rootBytes > virtualSize) {
            flow.at("resize");
            storage.resizeImage(disk, rootBytes, false);
          }
          if (life.recorded()) {
            flow.at("metadata");
            long diskSize = Math.max(rootBytes, virtualSize);
            storage.replaceProvenance(
                disk,
                source.copyProvenance(
                    diskSize, Instant.ofEpochMilli(Workflow.currentTimeMillis()).toString()),
                source.keptByCopy(diskSize));
          }

          String state =
              DomainSteps.reported(
                  DomainSteps.boot(
                      hv,
                      undo,
                      request.serverId(),
                      request.vcpus(),
                      request.memoryMiB(),
                      List.of(disk),
                      Map.of(
                          "image-id",
                          request.imageId(),
                          "workflow-id",
                          Workflow.getInfo().getWorkflowId()),
                      flow::at));
          life.created("server", request.serverId(), null);
          if (depth != null) {
            CloneDepth cloned = depth;
            flow.afterSuccess(() -> cloned.flattenInBackgroundIfAboveSoft(flow::report));
          }
          return new ServerResult(
              request.serverId(),
              hypervisor,
              "instance-" + request.serverId(),
              disk.toString(),
              state,
              null);
        });
  }

  /** The slow path (a conversion into this server's own disk) refused by the request's policy. */
  private static ApplicationFailure slowPathForbidden(BootFromImageRequest request, String format) {
    return ApplicationFailure.newNonRetryableFailure(
        "image "
            + request.imageId()
            + " is "
            + format
            + ", not raw, and its raw copy cannot be had now: converting it for this server is forbidden by policy"
            + " (never download an image that is on RBD)",
        Failures.POLICY);
  }

  /** How histories from before resource records read the image: no format means raw. */
  private static ImageSource unrecordedSource(BootFromImageRequest request, ImageStat stat) {
    if (!stat.exists()) {
      throw ApplicationFailure.newNonRetryableFailure(
          "image " + request.imageId() + " does not exist", Failures.NOT_FOUND);
    }
    return new ImageSource(
        request.imageId(),
        stat.metadata().getOrDefault(Provenance.FORMAT, RAW),
        virtualSize(stat),
        null);
  }

  static long virtualSize(ImageStat stat) {
    String v = stat.metadata().get(Provenance.VIRTUAL_SIZE);
    if (v == null) return stat.sizeBytes();
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw ApplicationFailure.newNonRetryableFailure(
          "image metadata " + Provenance.VIRTUAL_SIZE + " is not a number: " + v,
          Failures.INVALID_REQUEST);
    }
  }

  @Override
  public OperationProgress progress() {
    return flow.progress();
  }
}
