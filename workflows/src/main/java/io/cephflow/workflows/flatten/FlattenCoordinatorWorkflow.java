package io.cephflow.workflows.flatten;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * The cluster-wide flatten limit: one long-lived workflow ({@link #WORKFLOW_ID}), a counting
 * semaphore in the shape of Temporal's mutex sample. Flattens signal {@link #acquire}; it grants
 * slots in arrival order by signalling {@link FlattenWorkflow#granted} and takes them back on
 * {@link #release}. A holder that ended without releasing (terminated) is found when the grant it
 * is sent again every {@link FlattenCoordinatorWorkflowImpl#LEASE_CHECK} fails, and its slot freed.
 * Started by the first flatten that finds it missing; continues as new to keep its history short.
 */
@WorkflowInterface
public interface FlattenCoordinatorWorkflow {
  String WORKFLOW_ID = "cephflow-flatten-coordinator";

  @WorkflowMethod
  void coordinate(Permits.State state);

  @SignalMethod
  void acquire(Permits.Holder holder, int limit);

  @SignalMethod
  void release(Permits.Holder holder);

  @QueryMethod
  Permits.State state();
}
