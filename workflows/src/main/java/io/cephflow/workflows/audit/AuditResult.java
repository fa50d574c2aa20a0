package io.cephflow.workflows.audit;

import java.util.List;
import java.util.Map;

/**
 * What an audit found (and, with {@code reap}, did).
 *
 * @param counts findings by category (leaks and owned), plus {@code foreign}: objects no rule
 *     claims for cephflow (other users' images on a shared pool), never touched
 * @param graceSeconds nothing younger than this was reaped
 * @param unreachableHosts hosts whose listing failed (their objects are not in the findings)
 * @param findings the leaks; the owned objects too when the audit was scoped to resource ids (a
 *     whole-cluster result counts them only, so that it fits in one Temporal payload)
 */
public record AuditResult(
    boolean reaped,
    long graceSeconds,
    Map<String, Integer> counts,
    List<String> unreachableHosts,
    List<Finding> findings) {
  public List<Finding> leaks() {
    return findings.stream().filter(f -> f.category().leak()).toList();
  }
}
