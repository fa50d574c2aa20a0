package io.cephflow.worker.metrics;

import com.uber.m3.tally.Scope;
import io.cephflow.workflows.common.FailureType;
import io.cephflow.workflows.storage.ConvertActivities.ConvertResult;
import io.cephflow.workflows.storage.ImportActivities.StagedSource;
import io.cephflow.workflows.storage.ImportActivities.WriteResult;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptor;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkerInterceptorBase;
import io.temporal.common.interceptors.WorkflowInboundCallsInterceptor;
import io.temporal.common.interceptors.WorkflowInboundCallsInterceptorBase;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.Workflow;
import java.util.Map;

/**
 * cephflow's own metrics, through the SDK's metrics scope (so they carry its namespace, task
 * queue and workflow or activity type tags, and a workflow's are not counted again on replay):
 * <ul>
 *   <li>{@code cephflow_flows_total{outcome, failure}} and {@code cephflow_flow_duration_seconds}:
 *       every flow that ends, completed, failed (by failure type) or canceled;
 *   <li>{@code cephflow_bytes_total{direction}}: bytes read from sources, staged, written into
 *       RBD, by the activity that moved them;
 *   <li>{@code cephflow_activity_failures_total{failure}}: activity attempts that failed, by type.
 * </ul>
 * Compensations are counted by the flows themselves ({@code cephflow_compensations_total}).
 */
public final class FlowMetrics extends WorkerInterceptorBase {
  @Override
  public WorkflowInboundCallsInterceptor interceptWorkflow(WorkflowInboundCallsInterceptor next) {
    return new WorkflowInboundCallsInterceptorBase(next) {
      @Override
      public WorkflowOutput execute(WorkflowInput input) {
        long start = Workflow.currentTimeMillis();
        try {
          WorkflowOutput out = super.execute(input);
          ended("completed", "none", start);
          return out;
        } catch (CanceledFailure e) {
          ended("canceled", FailureType.CANCELED.code(), start);
          throw e;
        } catch (RuntimeException e) {
          ended("failed", FailureType.of(e).code(), start);
          throw e;
        }
      }
    };
  }

  private static void ended(String outcome, String failure, long start) {
    Scope scope = Workflow.getMetricsScope().tagged(Map.of("outcome", outcome, "failure", failure));
    scope.counter("cephflow_flows").inc(1);
    scope.timer("cephflow_flow_duration").record(
        com.uber.m3.util.Duration.ofMillis(Workflow.currentTimeMillis() - start));
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
        try {
          ActivityOutput out = super.execute(input);
          bytes(context.getMetricsScope(), out.getResult());
          return out;
        } catch (io.temporal.client.ActivityCompletionException e) {
          throw e; // canceled or timed out from Temporal's side: the flow counts how it ended
        } catch (RuntimeException e) {
          context.getMetricsScope().tagged(Map.of("failure", FailureType.of(e).code()))
              .counter("cephflow_activity_failures").inc(1);
          throw e;
        }
      }
    };
  }

  static void bytes(Scope scope, Object result) {
    if (result instanceof WriteResult w) {
      scope.tagged(Map.of("direction", "read")).counter("cephflow_bytes").inc(w.bytesRead());
      scope.tagged(Map.of("direction", "written")).counter("cephflow_bytes").inc(w.bytesWritten());
    } else if (result instanceof ConvertResult c) {
      scope.tagged(Map.of("direction", "written")).counter("cephflow_bytes").inc(c.bytesWritten());
    } else if (result instanceof StagedSource s) {
      scope.tagged(Map.of("direction", "staged")).counter("cephflow_bytes").inc(s.sizeBytes());
    }
  }
}
