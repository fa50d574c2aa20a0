package io.cephflow.workflows.audit;

import io.cephflow.workflows.common.ResourceRecord;
import java.util.List;

/**
 * One page of what the auditor sees in Ceph ({@link ClusterListing} split so that no activity
 * result nears Temporal's 2 MB payload limit): the entries after the request's token, in one fixed
 * order (pool, then images with their snapshots, trash entries, records, each by name).
 *
 * @param next the token of the next page, null on the last one
 */
public record ClusterPage(
    List<Observed> objects,
    List<ResourceRecord> records,
    String next,
    long minimumAgeSeconds,
    List<String> hosts,
    long nowEpochSecond) {}
