package io.cephflow.worker;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code cephflow.audit.*}: the leak auditor (docs/audit.md).
 *
 * @param every how often the Temporal schedule {@code cephflow-audit} runs an audit; made at worker
 *     start when absent (an existing schedule is left as it is); {@code 0} makes none
 * @param reap whether the scheduled audit reaps (false: it only reports)
 * @param minimumAge nothing younger is reaped (the grace is the larger of this and the age of the
 *     longest running operation)
 * @param hosts the hypervisors an audit lists when its request names none (empty: this worker's
 *     {@code cephflow.libvirt.host})
 */
@Validated
@ConfigurationProperties("cephflow.audit")
public record AuditProperties(
    @DefaultValue("6h") Duration every,
    @DefaultValue("false") boolean reap,
    @DefaultValue("1h") Duration minimumAge,
    @DefaultValue List<String> hosts) {}
