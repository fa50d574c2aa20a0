package io.cephflow.workflows;

import io.cephflow.workflows.image.UploadImageWorkflowImpl;
import java.util.List;

/** Every workflow implementation the worker hosts: one line per flow. */
public final class WorkflowCatalog {
  public static final List<Class<?>> IMPLEMENTATIONS = List.of(
      UploadImageWorkflowImpl.class);

  private WorkflowCatalog() {}
}
