package io.cephflow.workflows.flatten;

import io.cephflow.workflows.common.Compensations;
import io.cephflow.workflows.common.DeleteSteps;
import io.cephflow.workflows.common.Failures;
import io.cephflow.workflows.common.Ids;
import io.cephflow.workflows.common.OperationProgress;
import io.cephflow.workflows.common.RbdRef;
import io.cephflow.workflows.common.ResourceTags;
import io.cephflow.workflows.common.SnapRef;
import io.cephflow.workflows.common.Steps;
import io.cephflow.workflows.storage.StorageActivities;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Workflow;
import java.util.Map;

/** See {@link FlattenWorkflow}. */
public class FlattenWorkflowImpl implements FlattenWorkflow {
  /**
   * CreateImageFromServer's temporary snapshot of the server's disk, {@code
   * vms/<sid>_disk@cephflow-image-<imageId>}.
   */
  static final String TEMP_SNAPSHOT_PREFIX = "cephflow-image-";

  private final StorageActivities storage = Steps.storage();
  private final FlattenPermit permit = new FlattenPermit();
  private OperationProgress progress = OperationProgress.at("inspect");

  @Override
  public FlattenResult flatten(FlattenRequest request) {
    RbdRef image = request.image();
    tag(image);
    String outcome = "failed";
    try {
      progress = OperationProgress.at("wait-for-slot");
      try {
        permit.acquire(FlattenSettings.recorded().maxConcurrent());
        // bytes: the activity's heartbeat (the image's size only it reads)
        progress = new OperationProgress("flatten", 0, -1);
        outcome = flattenOrGone(image);
      } finally {
        permit.release();
      }
      SnapRef parent = request.releaseParent();
      SnapRef removed = null;
      if (parent != null && !"gone".equals(outcome) && isTemporaryFor(parent, image)) {
        // nothing else clones a snapshot made for this image alone: it goes once the image is
        // detached
        progress = OperationProgress.at("remove-temporary-snapshot");
        storage.unprotectSnapshot(parent);
        storage.removeSnapshot(parent);
        removed = parent;
      }
      return done(image, outcome, removed);
    } catch (TemporalFailure e) {
      outcome = canceled(e) ? "canceled" : "failed";
      progress = progress.ending(outcome);
      count(outcome);
      if (canceled(e)) throw e;
      throw new Compensations().failWith(e);
    }
  }

  private String flattenOrGone(RbdRef image) {
    try {
      storage.flattenImage(image);
      return "flattened";
    } catch (TemporalFailure e) {
      // removed while it waited or ran (its flow was undone, or it was deleted): nothing to detach
      if (Failures.NOT_FOUND.equals(DeleteSteps.typeOf(e))) return "gone";
      throw e;
    }
  }

  private FlattenResult done(RbdRef image, String outcome, SnapRef removed) {
    progress = OperationProgress.at("done");
    count(outcome);
    return new FlattenResult(
        image.toString(), outcome, removed == null ? null : removed.toString());
  }

  private static void count(String outcome) {
    Workflow.getMetricsScope()
        .tagged(Map.of("outcome", outcome))
        .counter("cephflow_flattens")
        .inc(1);
  }

  /** Whether {@code parent} is the temporary snapshot an image from a server was cloned from. */
  static boolean isTemporaryFor(SnapRef parent, RbdRef image) {
    return RbdRef.IMAGES.equals(image.pool())
        && RbdRef.VMS.equals(parent.image().pool())
        && parent.snapshot().equals(TEMP_SNAPSHOT_PREFIX + image.image());
  }

  private static boolean canceled(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause())
      if (c instanceof CanceledFailure) return true;
    return false;
  }

  /** The resource whose image this is, by cephflow's names, so the operation lists under it. */
  private static void tag(RbdRef image) {
    String name = image.image();
    String tag =
        switch (image.pool()) {
          case RbdRef.IMAGES -> Ids.isValid(name) ? ResourceTags.image(name) : null;
          case RbdRef.VMS ->
              name.endsWith("_disk") && Ids.isValid(name.substring(0, name.length() - 5))
                  ? ResourceTags.server(name.substring(0, name.length() - 5))
                  : null;
          case RbdRef.VOLUMES ->
              name.startsWith("volume-") && Ids.isValid(name.substring(7))
                  ? ResourceTags.volume(name.substring(7))
                  : null;
          default -> null;
        };
    if (tag != null) ResourceTags.tag(tag);
  }

  @Override
  public OperationProgress progress() {
    return progress;
  }

  @Override
  public void granted() {
    permit.onGranted();
  }
}
