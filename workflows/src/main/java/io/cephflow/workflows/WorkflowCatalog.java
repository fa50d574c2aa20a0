package io.cephflow.workflows;

import io.cephflow.workflows.audit.AuditWorkflowImpl;
import io.cephflow.workflows.flatten.FlattenCoordinatorWorkflowImpl;
import io.cephflow.workflows.flatten.FlattenWorkflowImpl;
import io.cephflow.workflows.image.DeleteImageWorkflowImpl;
import io.cephflow.workflows.image.UploadImageWorkflowImpl;
import io.cephflow.workflows.server.BootFromImageWorkflowImpl;
import io.cephflow.workflows.server.BootFromVolumeSnapshotWorkflowImpl;
import io.cephflow.workflows.server.BootFromVolumeWorkflowImpl;
import io.cephflow.workflows.server.CreateImageFromServerWorkflowImpl;
import io.cephflow.workflows.server.DeleteServerWorkflowImpl;
import io.cephflow.workflows.volume.CreateVolumeFromImageWorkflowImpl;
import io.cephflow.workflows.volume.CreateVolumeSnapshotWorkflowImpl;
import io.cephflow.workflows.volume.DeleteVolumeSnapshotWorkflowImpl;
import io.cephflow.workflows.volume.DeleteVolumeWorkflowImpl;
import io.cephflow.workflows.volume.VolumeFromSnapshotWorkflowImpl;
import java.util.List;

/** Every workflow implementation the worker hosts: one line per flow. */
public final class WorkflowCatalog {
  public static final List<Class<?>> IMPLEMENTATIONS =
      List.of(
          UploadImageWorkflowImpl.class,
          DeleteImageWorkflowImpl.class,
          CreateVolumeFromImageWorkflowImpl.class,
          CreateVolumeSnapshotWorkflowImpl.class,
          VolumeFromSnapshotWorkflowImpl.class,
          DeleteVolumeWorkflowImpl.class,
          DeleteVolumeSnapshotWorkflowImpl.class,
          BootFromImageWorkflowImpl.class,
          BootFromVolumeWorkflowImpl.class,
          BootFromVolumeSnapshotWorkflowImpl.class,
          CreateImageFromServerWorkflowImpl.class,
          DeleteServerWorkflowImpl.class,
          AuditWorkflowImpl.class,
          FlattenWorkflowImpl.class,
          FlattenCoordinatorWorkflowImpl.class);

  private WorkflowCatalog() {}
}
