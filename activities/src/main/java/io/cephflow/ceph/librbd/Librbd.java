package io.cephflow.ceph.librbd;

import io.cephflow.ceph.Rbd;

/** Builds the librbd-backed {@link Rbd} port over one cluster handle. */
public final class Librbd {
  private Librbd() {}

  public static Rbd over(CephCluster cluster, int aioDepth) {
    return new Rbd(
        new LibrbdImages(cluster),
        new LibrbdSnapshots(cluster),
        new LibrbdClones(cluster),
        new LibrbdMetadata(cluster),
        new LibrbdStreams(cluster, aioDepth));
  }
}
