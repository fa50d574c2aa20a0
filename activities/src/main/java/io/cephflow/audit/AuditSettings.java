package io.cephflow.audit;

import java.time.Duration;
import java.util.List;

/**
 * The worker's audit settings ({@code cephflow.audit.*}).
 *
 * @param minimumAge nothing younger is reaped (the grace is at least this)
 * @param hosts the hypervisors an audit lists when its request names none
 */
public record AuditSettings(Duration minimumAge, List<String> hosts) {
  public AuditSettings {
    hosts = List.copyOf(hosts);
  }
}
