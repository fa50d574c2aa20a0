package io.cephflow.workflows.server;

/**
 * @param shutdown    ALREADY_OFF, GRACEFUL or DESTROYED
 * @param diskRemoved false when there was no disk cephflow had created (boot from volume)
 */
public record DeleteServerResult(String serverId, String shutdown, boolean diskRemoved) {}
