package io.cephflow.workflows.server;

/**
 * A booted server: its domain on {@code hypervisor} and its boot disk ({@code pool/image}).
 *
 * @param volumeId the volume it boots from (for a boot from a volume snapshot, the volume the boot
 *     created), or null for a boot from an image (its own disk)
 */
public record ServerResult(
    String serverId,
    String hypervisor,
    String domain,
    String bootDisk,
    String state,
    String volumeId) {}
