package io.cephflow.workflows.hypervisor;

import io.cephflow.workflows.common.RbdRef;
import java.util.List;
import java.util.Map;

/**
 * What a workflow decides about a domain. The hypervisor's worker adds what it owns: the domain
 * type, the Ceph monitors and cephx user, the console log path, and the defaults for a zero {@code
 * vcpus} or {@code memoryMiB}.
 *
 * @param disks RBD images attached in order; the first boots
 * @param secretUuid the libvirt secret from {@link HypervisorActivities#ensureSecret}
 * @param tags cephflow ids kept in the domain's metadata (image id, workflow id)
 */
public record ServerDomain(
    String serverId,
    int vcpus,
    int memoryMiB,
    List<RbdRef> disks,
    String secretUuid,
    Map<String, String> tags) {}
