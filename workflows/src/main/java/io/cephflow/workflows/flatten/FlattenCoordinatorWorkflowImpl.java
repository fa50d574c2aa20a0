package io.cephflow.workflows.flatten;

import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** See {@link FlattenCoordinatorWorkflow}. */
public class FlattenCoordinatorWorkflowImpl implements FlattenCoordinatorWorkflow {
  /** How often the holders' grants are sent again: a holder that is gone frees its slot. */
  static final Duration LEASE_CHECK = Duration.ofSeconds(30);

  /** Continue as new past this many events (Temporal warns at 10,240). */
  static final int HISTORY_LIMIT = 2_000;

  // signals may be handled before the workflow method runs: the state exists from the start
  private Permits permits = new Permits(null);
  private final List<Permits.Holder> regrants = new ArrayList<>();
  private boolean changed;

  @Override
  public void coordinate(Permits.State state) {
    if (state != null) permits = permits.after(state);
    changed = true;
    while (true) {
      boolean woke = Workflow.await(LEASE_CHECK, () -> changed);
      changed = false;
      if (!woke) {
        // a grant re-sent to a run that ended fails: that holder ended without releasing
        for (Permits.Holder h : permits.holders()) {
          if (!signalGranted(h)) permits.release(h);
        }
      }
      for (Permits.Holder h : List.copyOf(regrants)) {
        regrants.remove(h);
        if (permits.holds(h) && !signalGranted(h)) permits.release(h);
      }
      while (true) {
        var granted = permits.grant();
        if (granted.isEmpty()) break;
        for (Permits.Holder h : granted) {
          if (!signalGranted(h)) permits.release(h);
        }
      }
      report();
      if (!changed
          && Workflow.getInfo().getHistoryLength() > HISTORY_LIMIT
          && Workflow.isEveryHandlerFinished()) {
        Workflow.continueAsNew(permits.state());
      }
    }
  }

  private static boolean signalGranted(Permits.Holder h) {
    return Signals.delivered(
        () ->
            Workflow.newExternalWorkflowStub(
                    FlattenWorkflow.class,
                    WorkflowExecution.newBuilder()
                        .setWorkflowId(h.workflowId())
                        .setRunId(h.runId())
                        .build())
                .granted());
  }

  private void report() {
    var scope = Workflow.getMetricsScope();
    scope.gauge("cephflow_flattens_running").update(permits.holders().size());
    scope.gauge("cephflow_flattens_waiting").update(permits.state().waiting().size());
    scope.gauge("cephflow_flattens_limit").update(permits.state().limit());
  }

  @Override
  public void acquire(Permits.Holder holder, int limit) {
    permits.request(holder, limit);
    // a holder asking again (its grant was lost, or it waited long) is granted again
    changed = true;
    if (permits.holds(holder) && !regrants.contains(holder)) regrants.add(holder);
  }

  @Override
  public void release(Permits.Holder holder) {
    permits.release(holder);
    changed = true;
  }

  @Override
  public Permits.State state() {
    return permits.state();
  }
}
