package io.cephflow.workflows.flatten;

import io.cephflow.workflows.common.OperationProgress;
import io.cephflow.workflows.common.RbdRef;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Flattens one image, as its own workflow: id {@link #workflowId}, so two requests for one image
 * are one flatten. It waits for a slot of the cluster-wide limit ({@link
 * FlattenCoordinatorWorkflow}), flattens (a heartbeating activity: progress, cancel), gives the
 * slot back, and removes the temporary snapshot it was cloned from when that snapshot existed only
 * for it (an image made from a server). Canceled, it stops the flatten where it is: the image stays
 * a valid clone.
 */
@WorkflowInterface
public interface FlattenWorkflow {
  @WorkflowMethod
  FlattenResult flatten(FlattenRequest request);

  @QueryMethod
  OperationProgress progress();

  /** From the coordinator: this flatten holds a slot (sent again while it holds it). */
  @SignalMethod
  void granted();

  static String workflowId(RbdRef image) {
    return "flatten-" + image.pool() + "-" + image.image();
  }
}
