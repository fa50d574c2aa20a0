package io.cephflow.worker.faults;

import io.temporal.activity.ActivityExecutionContext;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptor;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkerInterceptorBase;

/** Holds activity attempts of this worker at the {@link StepGate}. */
public final class StepGateInterceptor extends WorkerInterceptorBase {
  private final StepGate gate;

  public StepGateInterceptor(StepGate gate) {
    this.gate = gate;
  }

  @Override
  public ActivityInboundCallsInterceptor interceptActivity(ActivityInboundCallsInterceptor next) {
    return new ActivityInboundCallsInterceptorBase(next) {
      private ActivityExecutionContext context;

      @Override
      public void init(ActivityExecutionContext context) {
        this.context = context;
        super.init(context);
      }

      @Override
      public ActivityOutput execute(ActivityInput input) {
        String type = context.getInfo().getActivityType();
        String workflowId = context.getInfo().getWorkflowId();
        gate.pass(StepGate.When.BEFORE, type, workflowId, this::beat);
        ActivityOutput out = super.execute(input);
        gate.pass(StepGate.When.AFTER, type, workflowId, this::beat);
        return out;
      }

      private void beat() {
        if (context.getInfo().isLocal()) return;
        try {
          context.heartbeat(null);
        } catch (RuntimeException e) {
          // the server is away or has given up on this attempt: the attempt's result says so
        }
      }
    };
  }
}
