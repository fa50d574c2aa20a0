package io.cephflow.workflows.volume;

import io.cephflow.workflows.common.OperationProgress;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Volume from image: a raw image is cloned copy-on-write from {@code images/<imageId>@snap}; any
 * other format is converted into a new volume of the image's virtual size. Then resized when
 * larger. Shares its workflow id with {@link VolumeFromSnapshotWorkflow}: one creation per volume,
 * whatever the source.
 */
@WorkflowInterface
public interface CreateVolumeFromImageWorkflow {
  @WorkflowMethod
  VolumeResult create(CreateVolumeFromImageRequest request);

  @QueryMethod
  OperationProgress progress();

  static String workflowId(String volumeId) {
    return VolumeFromSnapshotWorkflow.workflowId(volumeId);
  }
}
