package io.cephflow.workflows.audit;

import java.util.List;

/**
 * What one hypervisor holds: its libvirt domains and ceph secrets, console logs and scratch files.
 */
public record HostListing(String host, List<Observed> objects) {}
