package io.cephflow.workflows.server;

/** A booted server: its domain on {@code hypervisor} and its boot disk ({@code pool/image}). */
public record ServerResult(String serverId, String hypervisor, String domain, String bootDisk, String state) {}
