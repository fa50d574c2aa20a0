package io.cephflow.workflows.audit;

import io.temporal.activity.ActivityInterface;
import java.util.List;

/** The auditor's steps on Ceph and Temporal (storage task queue). */
@ActivityInterface
public interface AuditActivities {
  /** Every RBD image, snapshot and trash entry of the three pools, and every resource record. */
  ClusterListing listCluster();

  /**
   * {@link #listCluster} one page at a time: at most {@code limit} entries (an image with its
   * snapshots, a trash entry, a record) after {@code after} (null: from the start).
   */
  ClusterPage listClusterPage(String after, int limit);

  /** Those of {@code operations} ({@code <workflow id>@<run id>}) that Temporal says still run. */
  List<String> runningOperations(List<String> operations);

  /** The age in seconds of the longest running operation (audits excluded); 0 when none runs. */
  long longestRunningSeconds();

  /**
   * Removes one leaked Ceph object or settles one leaked record, if its record is still as the
   * audit saw it; idempotent (gone is {@code already gone}). Returns what it did.
   */
  String reapInCluster(Finding finding);
}
