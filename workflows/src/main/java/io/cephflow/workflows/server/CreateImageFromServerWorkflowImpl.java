package io.cephflow.workflows.server;

import io.cephflow.workflows.common.Compensations;
import io.cephflow.workflows.common.CopySource;
import io.cephflow.workflows.common.Failures;
import io.cephflow.workflows.common.Flow;
import io.cephflow.workflows.common.Lifecycle;
import io.cephflow.workflows.common.OperationProgress;
import io.cephflow.workflows.common.Provenance;
import io.cephflow.workflows.common.RbdRef;
import io.cephflow.workflows.common.ResourceTags;
import io.cephflow.workflows.common.SnapRef;
import io.cephflow.workflows.common.Steps;
import io.cephflow.workflows.flatten.BackgroundFlatten;
import io.cephflow.workflows.flatten.CloneDepth;
import io.cephflow.workflows.hypervisor.HypervisorActivities;
import io.cephflow.workflows.storage.StorageActivities;
import io.cephflow.workflows.storage.StorageActivities.ImageStat;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** See {@link CreateImageFromServerWorkflow}. */
public class CreateImageFromServerWorkflowImpl implements CreateImageFromServerWorkflow {
  static final String TEMP_SNAPSHOT_PREFIX = "cephflow-image-";

  /**
   * Change id: pause, snapshot and resume as one step on the server's host ({@link
   * HypervisorActivities#snapshotWhilePaused}); before it, three steps with the Temporal server in
   * between (the guest paused for ~0.3 s instead of the snapshot's ~0.15 s on the dev cluster).
   */
  static final String SNAPSHOT_ON_HOST = "snapshot-on-host";

  private final StorageActivities storage = Steps.storage();
  private final Flow flow = new Flow();

  /** The server disk's temporary snapshot, named after the new image so a retry finds its own. */
  public static SnapRef tempSnapshot(String serverId, String imageId) {
    return new SnapRef(RbdRef.serverDisk(serverId), TEMP_SNAPSHOT_PREFIX + imageId);
  }

  @Override
  public CreateImageFromServerResult createImage(CreateImageFromServerRequest request) {
    flow.admit(
        request::validate,
        ResourceTags.server(request.serverId()),
        ResourceTags.image(request.imageId()));
    Lifecycle life = flow.life();
    String owner = life.operation();
    HypervisorActivities hv = DomainSteps.on(request.hypervisorOrDefault());
    RbdRef disk = RbdRef.serverDisk(request.serverId());
    SnapRef temp = tempSnapshot(request.serverId(), request.imageId());
    RbdRef image = RbdRef.image(request.imageId());
    SnapRef snap = SnapRef.imageSnap(request.imageId());
    Compensations undo = flow.undo();
    return flow.saga(
        () -> {
          ImageStat stat =
              CopySource.claimAndStat(
                  flow,
                  storage,
                  "image",
                  request.imageId(),
                  request,
                  ResourceTags.server(request.serverId()),
                  "inspect-disk",
                  disk);
          if (!stat.exists()) {
            throw ApplicationFailure.newNonRetryableFailure(
                "server " + request.serverId() + " has no disk " + disk, Failures.NOT_FOUND);
          }
          life.hold("server", request.serverId(), true, undo);

          flow.at("snapshot-disk");
          undo.add("remove snapshot " + temp, () -> storage.removeSnapshot(temp));
          snapshotWhilePaused(hv, request.serverId(), temp);

          flow.at("protect-snapshot");
          undo.add("unprotect snapshot " + temp, () -> storage.unprotectSnapshot(temp));
          storage.protectSnapshot(temp);

          flow.at("clone");
          undo.add("remove image " + image, () -> storage.removeImage(image, owner));
          storage.cloneImage(temp, image, owner);

          // usable once cloned: the flatten that detaches it (and removes the temporary snapshot)
          // runs
          // in the background, through the flatten manager (before the change: inline, here)
          CloneDepth depth =
              BackgroundFlatten.enabled()
                  ? CloneDepth.atLeastInBackground(image, stat.depth() + 1, temp)
                  : null;
          if (depth == null) {
            flow.at("flatten", 0, stat.sizeBytes());
            storage.flattenImage(image);
          } else {
            depth.flattenIfAboveHard(flow::report);
          }

          flow.at("snapshot-image");
          undo.add("remove snapshot " + snap, () -> storage.removeSnapshot(snap));
          storage.createSnapshot(snap);
          undo.add("unprotect snapshot " + snap, () -> storage.unprotectSnapshot(snap));
          storage.protectSnapshot(snap);

          flow.at("metadata");
          String size = Long.toString(stat.sizeBytes());
          Map<String, String> provenance =
              Map.of(
                  Provenance.NAME,
                  request.name(),
                  Provenance.SOURCE,
                  "server:" + request.serverId(),
                  Provenance.FORMAT,
                  "raw",
                  Provenance.SIZE,
                  size,
                  Provenance.VIRTUAL_SIZE,
                  size,
                  Provenance.CREATED_AT,
                  Instant.ofEpochMilli(Workflow.currentTimeMillis()).toString());
          // the clone inherited the disk's provenance (its image's checksum, long since untrue):
          // replaced
          if (life.recorded()) {
            storage.replaceProvenance(image, provenance, List.of());
          } else {
            storage.setMetadata(image, provenance);
          }

          if (depth == null) {
            // the flattened image no longer needs the server's snapshot
            flow.at("remove-temporary-snapshot");
            storage.unprotectSnapshot(temp);
            storage.removeSnapshot(temp);
          }
          life.created("image", request.imageId(), null);
          if (depth != null)
            flow.afterSuccess(() -> depth.flattenInBackgroundIfAboveSoft(flow::report));
          return new CreateImageFromServerResult(
              request.imageId(), image.pool(), image.image(), snap.snapshot(), stat.sizeBytes());
        });
  }

  /**
   * Pause → snap create → resume, as one step that cancellation cannot cut: a detached scope, so a
   * cancel that arrives while the VM is paused still lets the snapshot finish and, above all, the
   * resume run (the next cancellable step then notices the cancel). Since {@value
   * #SNAPSHOT_ON_HOST} the three are one activity on the host, and the flow resumes again only when
   * that step failed; before it, three activities with the resume in a finally (a failed or
   * timed-out suspend may still have paused the VM, and resume of a running VM is a no-op).
   */
  private void snapshotWhilePaused(HypervisorActivities hv, String serverId, SnapRef temp) {
    boolean onHost = Workflow.getVersion(SNAPSHOT_ON_HOST, Workflow.DEFAULT_VERSION, 1) == 1;
    Workflow.newDetachedCancellationScope(
            () -> {
              if (onHost) snapshotOnHost(hv, serverId, temp);
              else snapshotInThreeSteps(hv, serverId, temp);
            })
        .run();
  }

  /**
   * The host's step resumes whatever happens, unless it was lost with its host or timed out while
   * the guest was paused: then resumed again from here.
   */
  private void snapshotOnHost(HypervisorActivities hv, String serverId, SnapRef temp) {
    try {
      hv.snapshotWhilePaused(serverId, temp);
    } catch (ActivityFailure e) {
      flow.at("resume");
      try {
        hv.resumeDomain(serverId);
      } catch (ActivityFailure resume) {
        Workflow.getLogger(CreateImageFromServerWorkflowImpl.class)
            .warn("resume of {} failed too: {}", serverId, resume.toString());
      }
      throw e;
    }
  }

  /** Before {@value #SNAPSHOT_ON_HOST}: three steps, the resume in a finally. */
  private void snapshotInThreeSteps(HypervisorActivities hv, String serverId, SnapRef temp) {
    try {
      hv.suspendDomain(serverId);
      storage.createSnapshot(temp);
    } finally {
      flow.at("resume");
      hv.resumeDomain(serverId);
    }
  }

  @Override
  public OperationProgress progress() {
    return flow.progress();
  }
}
