package io.cephflow.worker.metrics;

import com.uber.m3.tally.Scope;
import io.cephflow.workflows.common.FailureType;
import io.cephflow.workflows.common.RbdRef;
import io.cephflow.workflows.storage.ConvertActivities.ConvertResult;
import io.cephflow.workflows.storage.ImportActivities.StageRequest;
import io.cephflow.workflows.storage.ImportActivities.StagedSource;
import io.cephflow.workflows.storage.ImportActivities.WriteRequest;
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
 * cephflow's own metrics, through the SDK's metrics scope (so they carry its namespace, task queue
 * and workflow or activity type tags, and a workflow's are not counted again on replay):
 *
 * <ul>
 *   <li>{@code cephflow_flows_total{outcome, failure}} and {@code cephflow_flow_duration_seconds}:
 *       every flow that ends, completed, failed (by failure type) or canceled;
 *   <li>{@code cephflow_bytes_total{direction, pool, source}}: bytes read from sources, staged,
 *       written into RBD (and flattened, counted by the flatten itself), by the activity that moved
 *       them, the pool written into and the source's kind;
 *   <li>{@code cephflow_activity_failures_total{failure}}: activity attempts that failed, by type.
 * </ul>
 *
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
    scope
        .timer("cephflow_flow_duration")
        .record(com.uber.m3.util.Duration.ofMillis(Workflow.currentTimeMillis() - start));
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
          bytes(context.getMetricsScope(), input.getArguments(), out.getResult());
          return out;
        } catch (io.temporal.client.ActivityCompletionException e) {
          throw e; // canceled or timed out from Temporal's side: the flow counts how it ended
        } catch (RuntimeException e) {
          context
              .getMetricsScope()
              .tagged(Map.of("failure", FailureType.of(e).code()))
              .counter("cephflow_activity_failures")
              .inc(1);
          throw e;
        }
      }
    };
  }

  /**
   * Bytes a step moved, tagged with the pool it wrote into and the kind of its source ({@code
   * http}, {@code https}, {@code file}, {@code staged} for a staged file, {@code rbd} for an RBD
   * image); flattens count themselves in the storage activities.
   */
  static void bytes(Scope scope, Object[] args, Object result) {
    if (result instanceof WriteResult w) {
      Scope s = scope.tagged(Map.of("pool", pool(args), "source", source(args)));
      s.tagged(Map.of("direction", "read")).counter("cephflow_bytes").inc(w.bytesRead());
      s.tagged(Map.of("direction", "written")).counter("cephflow_bytes").inc(w.bytesWritten());
    } else if (result instanceof ConvertResult c) {
      scope
          .tagged(Map.of("direction", "written", "pool", pool(args), "source", "rbd"))
          .counter("cephflow_bytes")
          .inc(c.bytesWritten());
    } else if (result instanceof StagedSource s) {
      scope
          .tagged(Map.of("direction", "staged", "pool", "none", "source", source(args)))
          .counter("cephflow_bytes")
          .inc(s.sizeBytes());
    }
  }

  /** The pool of the step's target: the last RBD ref among its arguments (or in its request). */
  private static String pool(Object[] args) {
    String pool = "none";
    for (Object a : args) {
      if (a instanceof RbdRef r) pool = r.pool();
      if (a instanceof WriteRequest w && w.target() != null) pool = w.target().pool();
    }
    return pool;
  }

  private static String source(Object[] args) {
    for (Object a : args) {
      if (a instanceof WriteRequest w) return kind(w.source());
      if (a instanceof StageRequest r) return kind(r.source());
    }
    return "staged"; // writeStaged, convertStaged: a file in this host's scratch area
  }

  /** The source's scheme, from a fixed set (a label never carries a user's string). */
  static String kind(String source) {
    if (source == null) return "other";
    String s = source.toLowerCase(java.util.Locale.ROOT);
    if (s.startsWith("https:")) return "https";
    if (s.startsWith("http:")) return "http";
    if (s.startsWith("file:") || s.startsWith("/")) return "file";
    return "other";
  }
}
