package io.cephflow.inventory;

/**
 * A server as Ceph knows it: its record and its disk, {@code vms/<id>_disk} (booted from an
 * image) or the volume it boots from. The domain's state is libvirt's, on the server's host,
 * and is not read here.
 *
 * @param disk       its own disk ({@code vms/<id>_disk}) when it has one, else null
 * @param diskParent the image snapshot its disk is a clone of, or null (flat, converted)
 * @param volumeId   the volume it boots from, or null
 * @param madeFrom   {@code image:<id>} or {@code volume:<id>}
 */
public record ServerView(String id, String state, String disk, String diskParent, Long diskSizeBytes, String volumeId,
                         String madeFrom, String createdBy, String createdAt) {}
