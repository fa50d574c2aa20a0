package io.cephflow.workflows.audit;

/**
 * What the auditor decided about one object or record.
 *
 * @param category owned, orphan, dangling record or stale in-use
 * @param object what was seen ({@link Observed}); a record finding's object is of type {@code
 *     record}
 * @param resource the resource it belongs to ({@code image:<id>}), or null when no rule names one
 * @param operation the operation that made it (the record's {@code createdBy}, or the one that
 *     holds it), null when nothing records one
 * @param ageSeconds how old it is, null when unknown
 * @param reason why, in words
 * @param recordVersion the record's {@code updatedAt} as seen (null: no record), so a reap touches
 *     nothing whose record changed since the audit
 * @param reaped what the reap did ({@code removed}, {@code already gone}, {@code skipped: ...},
 *     {@code failed: ...}), null when not reaped (dry run, or owned)
 */
public record Finding(
    Category category,
    Observed object,
    String resource,
    String operation,
    Long ageSeconds,
    String reason,
    String recordVersion,
    String reaped) {
  public Finding withReaped(String outcome) {
    return new Finding(
        category, object, resource, operation, ageSeconds, reason, recordVersion, outcome);
  }
}
