package io.cephflow.workflows.audit;

import io.cephflow.workflows.common.OperationProgress;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * The leak auditor: lists what Ceph and each host hold, classifies it against the resource records,
 * and with {@code reap} removes the leaks older than the grace whose operation is not running.
 * Workflow id {@code audit-<uuid>} (on demand) or the schedule's {@value #SCHEDULE_ID}. See
 * docs/audit.md.
 */
@WorkflowInterface
public interface AuditWorkflow {
  String SCHEDULE_ID = "cephflow-audit";
  String ID_PREFIX = "audit-";

  @WorkflowMethod
  AuditResult audit(AuditRequest request);

  @QueryMethod
  OperationProgress progress();
}
