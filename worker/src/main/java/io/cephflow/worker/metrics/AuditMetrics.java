package io.cephflow.worker.metrics;

import io.cephflow.workflows.audit.AuditResult;
import io.temporal.common.interceptors.WorkerInterceptorBase;
import io.temporal.common.interceptors.WorkflowInboundCallsInterceptor;
import io.temporal.common.interceptors.WorkflowInboundCallsInterceptorBase;
import io.temporal.workflow.Workflow;
import java.util.Map;

/**
 * {@code cephflow_audit_findings{category}}: what the last audit this worker ran found, per
 * category ({@code orphan}, {@code dangling_record}, {@code stale_in_use}, {@code left_paused},
 * {@code owned}, {@code foreign}); a gauge, set when an audit ends. Alert on {@code orphan > 0}
 * (docs/audit.md).
 */
public final class AuditMetrics extends WorkerInterceptorBase {
  @Override
  public WorkflowInboundCallsInterceptor interceptWorkflow(WorkflowInboundCallsInterceptor next) {
    return new WorkflowInboundCallsInterceptorBase(next) {
      @Override
      public WorkflowOutput execute(WorkflowInput input) {
        WorkflowOutput out = super.execute(input);
        if (out.getResult() instanceof AuditResult r) record(r);
        return out;
      }
    };
  }

  static void record(AuditResult r) {
    for (Map.Entry<String, Integer> c : r.counts().entrySet()) {
      Workflow.getMetricsScope()
          .tagged(Map.of("category", c.getKey()))
          .gauge("cephflow_audit_findings")
          .update(c.getValue());
    }
  }
}
