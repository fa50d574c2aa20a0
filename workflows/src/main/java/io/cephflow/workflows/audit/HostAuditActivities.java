package io.cephflow.workflows.audit;

import io.temporal.activity.ActivityInterface;

/** The auditor's steps on one hypervisor (its own task queue). */
@ActivityInterface
public interface HostAuditActivities {
  /** Its libvirt domains and ceph secrets, console logs and scratch files. */
  HostListing listHost();

  /**
   * Removes one leaked domain (destroy, undefine) or file, if its record is still as seen;
   * idempotent.
   */
  String reapOnHost(Finding finding);
}
