package io.cephflow.workflows.server;

/**
 * @param shutdown ALREADY_OFF, GRACEFUL or DESTROYED
 * @param diskRemoved false when there was no disk cephflow had created (boot from volume)
 * @param volumeDetached the volume the server booted from, now available again (kept, never
 *     removed), or null
 */
public record DeleteServerResult(
    String serverId, String shutdown, boolean diskRemoved, String volumeDetached) {}
