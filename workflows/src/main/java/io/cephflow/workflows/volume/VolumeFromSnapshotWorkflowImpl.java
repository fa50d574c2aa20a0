package io.cephflow.workflows.volume;

import io.cephflow.workflows.common.Compensations;
import io.cephflow.workflows.common.Failures;
import io.cephflow.workflows.common.Flow;
import io.cephflow.workflows.common.Lifecycle;
import io.cephflow.workflows.common.OperationProgress;
import io.cephflow.workflows.common.Provenance;
import io.cephflow.workflows.common.RbdRef;
import io.cephflow.workflows.common.ResourceTags;
import io.cephflow.workflows.common.SnapRef;
import io.cephflow.workflows.common.Steps;
import io.cephflow.workflows.flatten.CloneDepth;
import io.cephflow.workflows.storage.StorageActivities;
import io.cephflow.workflows.storage.StorageActivities.ImageStat;
import io.cephflow.workflows.storage.StorageActivities.SnapshotStat;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** See {@link VolumeFromSnapshotWorkflow}. */
public class VolumeFromSnapshotWorkflowImpl implements VolumeFromSnapshotWorkflow {
  /** Cinder's rbd_max_clone_depth default. */
  public static final int DEFAULT_MAX_CLONE_DEPTH = 5;

  private final StorageActivities storage = Steps.storage();
  private final Flow flow = new Flow();

  @Override
  public VolumeResult create(VolumeFromSnapshotRequest request) {
    flow.admit(
        () -> VolumeFromSnapshotRequests.validate(request),
        ResourceTags.volume(request.volumeId()),
        ResourceTags.volume(request.sourceVolumeId()),
        ResourceTags.snapshot(request.snapshotId()));
    Lifecycle life = flow.life();
    String owner = life.operation();
    SnapRef parent = SnapRef.volumeSnapshot(request.sourceVolumeId(), request.snapshotId());
    RbdRef volume = RbdRef.volume(request.volumeId());
    Compensations undo = flow.undo();
    return flow.saga(
        () -> {
          flow.claim(
              "volume", request.volumeId(), request, ResourceTags.snapshot(request.snapshotId()));
          flow.at("inspect-snapshot");
          ImageStat source = storage.statImage(parent.image());
          SnapshotStat snap =
              source.exists()
                  ? storage.listSnapshots(parent.image()).stream()
                      .filter(s -> s.name().equals(parent.snapshot()))
                      .findFirst()
                      .orElse(null)
                  : null;
          if (snap == null) {
            throw ApplicationFailure.newNonRetryableFailure(
                "snapshot " + parent + " does not exist", Failures.NOT_FOUND);
          }
          life.hold("snapshot", request.snapshotId(), true, undo);
          long size =
              VolumeSteps.targetSize(request.sizeBytes(), snap.sizeBytes(), "snapshot " + parent);
          // the clone sits one level below the snapshot's image
          // no maximum asked: the pool's soft/hard policy, flattened after the clone (before it:
          // inline above 5)
          CloneDepth depth =
              usesPoolPolicy(request) && CloneDepth.enabled()
                  ? CloneDepth.of(volume, source.depth() + 1)
                  : null;
          boolean flatten = depth == null && mustFlatten(request, source.depth() + 1);

          flow.at("clone");
          undo.add("remove volume " + volume, () -> storage.removeImage(volume, owner));
          storage.cloneImage(parent, volume, owner);
          if (flatten) {
            flow.at("flatten", 0, snap.sizeBytes());
            storage.flattenImage(volume);
          }
          // a clone inherits its parent's provenance; the volume records its own
          Map<String, String> own =
              life.recorded()
                  ? Map.of(
                      Provenance.FORMAT, "raw",
                      Provenance.SIZE, Long.toString(size),
                      Provenance.VIRTUAL_SIZE, Long.toString(size),
                      Provenance.CREATED_AT,
                          Instant.ofEpochMilli(Workflow.currentTimeMillis()).toString())
                  : null;
          return VolumeSteps.finish(
              storage,
              flow,
              request.volumeId(),
              volume,
              size,
              snap.sizeBytes(),
              parent.toString(),
              own,
              List.of(),
              depth);
        });
  }

  static boolean usesPoolPolicy(VolumeFromSnapshotRequest request) {
    return (request.flatten() == null || request.flatten() == FlattenPolicy.DEPTH)
        && request.maxCloneDepth() == 0;
  }

  static boolean mustFlatten(VolumeFromSnapshotRequest request, int cloneDepth) {
    FlattenPolicy policy = request.flatten() == null ? FlattenPolicy.DEPTH : request.flatten();
    int max = request.maxCloneDepth() == 0 ? DEFAULT_MAX_CLONE_DEPTH : request.maxCloneDepth();
    return switch (policy) {
      case NEVER -> false;
      case ALWAYS -> true;
      case DEPTH -> cloneDepth > max;
    };
  }

  @Override
  public OperationProgress progress() {
    return flow.progress();
  }
}
