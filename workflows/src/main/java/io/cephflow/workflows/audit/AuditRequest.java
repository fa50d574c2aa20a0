package io.cephflow.workflows.audit;

import java.util.List;

/**
 * One audit.
 *
 * @param reap remove what is found leaked (false: a dry run, only reported)
 * @param minimumAgeSeconds nothing younger is reaped; it can lengthen the worker's {@code
 *     cephflow.audit.minimum-age}, never shorten it (null: that minimum). The grace is the largest
 *     of the two and the age of the longest running operation.
 * @param hosts the hypervisors whose domains, secrets, console logs and scratch files are listed
 *     (on each host's task queue); empty: the worker's {@code cephflow.audit.hosts}
 * @param resourceIds only objects and records of these resource ids (empty: everything)
 */
public record AuditRequest(
    boolean reap, Long minimumAgeSeconds, List<String> hosts, List<String> resourceIds) {
  public AuditRequest {
    hosts = hosts == null ? List.of() : List.copyOf(hosts);
    resourceIds = resourceIds == null ? List.of() : List.copyOf(resourceIds);
    if (minimumAgeSeconds != null && minimumAgeSeconds < 0) {
      throw new IllegalArgumentException(
          "minimumAgeSeconds must be >= 0, got " + minimumAgeSeconds);
    }
  }

  public static AuditRequest dryRun() {
    return new AuditRequest(false, null, List.of(), List.of());
  }
}
