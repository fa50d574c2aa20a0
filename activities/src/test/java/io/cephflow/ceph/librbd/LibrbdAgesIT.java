package io.cephflow.ceph.librbd;

import static org.assertj.core.api.Assertions.assertThat;

import io.cephflow.ceph.CephTestCluster;
import io.cephflow.ceph.ImageSpec;
import io.cephflow.ceph.Rbd;
import io.cephflow.ceph.RbdAges;
import io.cephflow.workflows.common.RbdRef;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The trash listing reads each entry's names before rbd_trash_list_cleanup frees them (the names
 * are Pointer fields now; as String fields JNA read them again, freed, after the cleanup call:
 * invisible here without glibc's MALLOC_PERTURB_, so this guards the listing itself).
 */
class LibrbdAgesIT {
  @Test
  void anImageMovedToTheTrashIsListedWithItsNameAndRemovedById() {
    Rbd rbd = CephTestCluster.rbd();
    LibrbdAges ages = new LibrbdAges(CephTestCluster.cluster());
    RbdRef ref = new RbdRef("volumes", CephTestCluster.uniqueName("jn-trash"));
    rbd.images().create(ref, ImageSpec.ofSize(4 << 20));
    rbd.images().moveToTrash(ref);
    List<RbdAges.TrashEntry> mine =
        ages.trash("volumes").stream().filter(e -> e.name().equals(ref.image())).toList();
    try {
      assertThat(mine).hasSize(1);
      assertThat(mine.get(0).id()).isNotBlank();
      assertThat(mine.get(0).deletedAtEpochSecond()).isPositive();
    } finally {
      for (RbdAges.TrashEntry e : mine) ages.removeFromTrash("volumes", e.id());
    }
    assertThat(ages.trash("volumes")).noneMatch(e -> e.name().equals(ref.image()));
  }
}
