package io.cephflow.libvirt;

import io.cephflow.workflows.hypervisor.DomainState;

/**
 * One of this host's domains as libvirt reports it: only cephflow's ({@code instance-<uuid>});
 * others on the host are not listed.
 *
 * @param memoryMiB the domain's maximum memory
 */
public record DomainSummary(DomainName name, DomainState state, long memoryMiB, int vcpus) {}
