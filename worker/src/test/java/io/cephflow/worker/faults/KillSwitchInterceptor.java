package io.cephflow.worker.faults;

import io.temporal.activity.ActivityExecutionContext;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptor;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkerInterceptorBase;
import java.util.concurrent.atomic.AtomicInteger;

/** Fires the {@link KillSwitch} around activity executions of this worker. */
public final class KillSwitchInterceptor extends WorkerInterceptorBase {
  private final KillSwitch kill;

  public KillSwitchInterceptor(KillSwitch kill) {
    this.kill = kill;
  }

  @Override
  public ActivityInboundCallsInterceptor interceptActivity(ActivityInboundCallsInterceptor next) {
    return new ActivityInboundCallsInterceptorBase(next) {
      private String type;

      @Override
      public void init(ActivityExecutionContext context) {
        type = context.getInfo().getActivityType();
        super.init(
            kill.matches(KillSwitch.When.HEARTBEAT, type)
                ? new KillOnHeartbeat(context, type)
                : context);
      }

      @Override
      public ActivityOutput execute(ActivityInput input) {
        kill.fire(KillSwitch.When.BEFORE, type);
        ActivityOutput out = super.execute(input);
        kill.fire(KillSwitch.When.AFTER, type);
        return out;
      }
    };
  }

  /**
   * The activity's context, except that a heartbeat reporting progress (bytes done &gt; 0, or any
   * second heartbeat) kills the process: some of the work is durable, the rest must resume.
   */
  private final class KillOnHeartbeat extends ForwardingActivityContext {
    private final AtomicInteger beats = new AtomicInteger();
    private final String type;

    KillOnHeartbeat(ActivityExecutionContext context, String type) {
      super(context);
      this.type = type;
    }

    @Override
    public <V> void heartbeat(V details) {
      super.heartbeat(details);
      boolean progressed = details instanceof long[] done && done.length > 0 && done[0] > 0;
      if (beats.incrementAndGet() >= 2 || progressed) kill.fire(KillSwitch.When.HEARTBEAT, type);
    }
  }
}
