/**
 * The hypervisor's activities (libvirt, on each host's own task queue) and their vocabulary: {@link
 * io.cephflow.workflows.hypervisor.ServerDomain} (what a flow decides about a domain) and the
 * outcomes and states the activities return, which the libvirt port returns too. The storage side's
 * activities are in {@code storage}; the server flows that call both in {@code server}.
 */
package io.cephflow.workflows.hypervisor;
