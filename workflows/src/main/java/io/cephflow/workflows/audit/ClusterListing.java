package io.cephflow.workflows.audit;

import io.cephflow.workflows.common.ResourceRecord;
import java.util.List;

/**
 * Everything the auditor saw in Ceph: the RBD images, snapshots and trash entries of the three
 * pools, and the resource records of each pool. With the worker's audit settings.
 */
public record ClusterListing(
    List<Observed> objects,
    List<ResourceRecord> records,
    long minimumAgeSeconds,
    List<String> hosts,
    long nowEpochSecond) {}
