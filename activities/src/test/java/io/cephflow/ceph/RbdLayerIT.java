package io.cephflow.ceph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cephflow.workflows.common.RbdRef;
import io.cephflow.workflows.common.SnapRef;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Every operation and idempotency rule of the RBD port, on the real dev cluster. */
class RbdLayerIT {
  private static final long MiB = 1 << 20;
  private final Rbd rbd = CephTestCluster.rbd();
  private final List<RbdRef> created = new ArrayList<>();

  private RbdRef newRef(String pool) {
    RbdRef ref = new RbdRef(pool, CephTestCluster.uniqueName("it"));
    created.add(ref);
    return ref;
  }

  @AfterEach
  void cleanup() {
    for (int i = created.size() - 1; i >= 0; i--) CephTestCluster.purge(created.get(i));
  }

  @Test
  void createIsIdempotentForTheSameSpecAndAConflictForAnother() {
    RbdRef ref = newRef("images");
    rbd.images().create(ref, ImageSpec.ofSize(8 * MiB));
    rbd.images().create(ref, ImageSpec.ofSize(8 * MiB));
    ImageInfo info = rbd.images().stat(ref);
    assertThat(info.sizeBytes()).isEqualTo(8 * MiB);
    assertThat(info.features()).containsAll(ImageFeature.defaults());
    assertThat(info.parent()).isEmpty();
    assertThat(rbd.images().list("images")).contains(ref.image());
    assertThatThrownBy(() -> rbd.images().create(ref, ImageSpec.ofSize(16 * MiB)))
        .isInstanceOfSatisfying(
            RbdException.class, e -> assertThat(e.kind()).isEqualTo(RbdException.Kind.EXISTS));
  }

  @Test
  void featuresAreConfigurable() {
    RbdRef ref = newRef("volumes");
    rbd.images().create(ref, new ImageSpec(4 * MiB, Set.of(ImageFeature.LAYERING)));
    assertThat(rbd.images().stat(ref).features()).containsExactly(ImageFeature.LAYERING);
  }

  @Test
  void removeOfAMissingImageIsSuccessAndStatIsNotFound() {
    RbdRef ref = newRef("vms");
    rbd.images().remove(ref);
    assertThat(rbd.images().exists(ref)).isFalse();
    assertThat(rbd.images().find(ref)).isEmpty();
    assertThatThrownBy(() -> rbd.images().stat(ref))
        .isInstanceOfSatisfying(
            RbdException.class, e -> assertThat(e.kind()).isEqualTo(RbdException.Kind.NOT_FOUND));
  }

  @Test
  void resizeGrowsAndRefusesToShrinkUnlessAsked() {
    RbdRef ref = newRef("volumes");
    rbd.images().create(ref, ImageSpec.ofSize(8 * MiB));
    rbd.images().resize(ref, 16 * MiB, false);
    assertThat(rbd.images().stat(ref).sizeBytes()).isEqualTo(16 * MiB);
    assertThatThrownBy(() -> rbd.images().resize(ref, 4 * MiB, false))
        .isInstanceOfSatisfying(
            RbdException.class, e -> assertThat(e.kind()).isEqualTo(RbdException.Kind.INVALID));
    rbd.images().resize(ref, 4 * MiB, true);
    assertThat(rbd.images().stat(ref).sizeBytes()).isEqualTo(4 * MiB);
  }

  @Test
  void snapshotsProtectUnprotectRollbackAndIdempotency() {
    RbdRef ref = newRef("volumes");
    rbd.images().create(ref, ImageSpec.ofSize(4 * MiB));
    rbd.streams().writeAt(ref, 0, "before".getBytes(StandardCharsets.UTF_8));
    SnapRef snap = ref.snapshot("s1");
    rbd.snapshots().create(snap);
    rbd.snapshots().create(snap);
    assertThat(rbd.snapshots().exists(snap)).isTrue();
    rbd.snapshots().protect(snap);
    rbd.snapshots().protect(snap);
    assertThat(rbd.snapshots().isProtected(snap)).isTrue();
    assertThat(rbd.snapshots().list(ref))
        .singleElement()
        .satisfies(s -> assertThat(s.isProtected()).isTrue());
    assertThatThrownBy(() -> rbd.snapshots().remove(snap))
        .isInstanceOfSatisfying(
            RbdException.class, e -> assertThat(e.kind()).isEqualTo(RbdException.Kind.BUSY));
    assertThatThrownBy(() -> rbd.images().remove(ref))
        .isInstanceOfSatisfying(
            RbdException.class,
            e -> assertThat(e.kind()).isEqualTo(RbdException.Kind.HAS_SNAPSHOTS));
    rbd.snapshots().unprotect(snap);
    rbd.snapshots().unprotect(snap);
    rbd.streams().writeAt(ref, 0, "after!".getBytes(StandardCharsets.UTF_8));
    rbd.snapshots().rollback(snap);
    assertThat(new String(rbd.streams().readAt(ref, 0, 6), StandardCharsets.UTF_8))
        .isEqualTo("before");
    rbd.snapshots().remove(snap);
    rbd.snapshots().remove(snap);
    assertThat(rbd.snapshots().list(ref)).isEmpty();
  }

  @Test
  void clonesChildrenParentDepthAndFlatten() {
    RbdRef base = newRef("images");
    rbd.images().create(base, ImageSpec.ofSize(8 * MiB));
    rbd.streams().writeAt(base, 4 * MiB, "parent-data".getBytes(StandardCharsets.UTF_8));
    SnapRef snap = base.snapshot("snap");
    rbd.snapshots().create(snap);
    rbd.snapshots().protect(snap);

    RbdRef child = newRef("vms");
    rbd.clones().clone(snap, child, ImageSpec.ofSize(8 * MiB));
    rbd.clones().clone(snap, child, ImageSpec.ofSize(8 * MiB)); // same parent: success
    assertThat(rbd.clones().parent(child)).contains(snap);
    assertThat(rbd.clones().children(snap)).containsExactly(child);
    assertThat(rbd.clones().depth(child)).isEqualTo(1);

    SnapRef childSnap = child.snapshot("c");
    rbd.snapshots().create(childSnap);
    rbd.snapshots().protect(childSnap);
    RbdRef grandChild = newRef("volumes");
    rbd.clones().clone(childSnap, grandChild, ImageSpec.ofSize(8 * MiB));
    assertThat(rbd.clones().depth(grandChild)).isEqualTo(2);
    // the depth of what was stat'ed (found) walks on from its parent: the same answers
    assertThat(rbd.clones().depth(rbd.images().find(grandChild).orElseThrow())).isEqualTo(2);
    assertThat(rbd.clones().depth(rbd.images().stat(child))).isEqualTo(1);
    assertThat(rbd.clones().depth(rbd.images().stat(base))).isZero();

    assertThatThrownBy(() -> rbd.snapshots().unprotect(snap))
        .isInstanceOfSatisfying(
            RbdException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(RbdException.Kind.BUSY);
              assertThat(e.holders()).containsExactly(child.toString());
            });
    RbdRef other = newRef("vms");
    rbd.images().create(other, ImageSpec.ofSize(8 * MiB));
    assertThatThrownBy(() -> rbd.clones().clone(snap, other, ImageSpec.ofSize(8 * MiB)))
        .isInstanceOfSatisfying(
            RbdException.class, e -> assertThat(e.kind()).isEqualTo(RbdException.Kind.EXISTS));

    List<Long> progress = new ArrayList<>();
    rbd.clones().flatten(grandChild, (done, total) -> progress.add(done));
    rbd.clones().flatten(grandChild, Progress.NONE);
    assertThat(rbd.clones().parent(grandChild)).isEmpty();
    assertThat(progress).isNotEmpty();
    assertThat(new String(rbd.streams().readAt(grandChild, 4 * MiB, 11), StandardCharsets.UTF_8))
        .isEqualTo("parent-data");
  }

  /** Listing children while other clones of the snapshot come and go (librbd said ENOENT). */
  @Test
  void childrenAreListedWhileOtherClonesComeAndGo() throws Exception {
    RbdRef base = new RbdRef("images", CephTestCluster.uniqueName("jn-base"));
    created.add(base);
    rbd.images().create(base, ImageSpec.ofSize(8 * MiB));
    SnapRef snap = base.snapshot("snap");
    rbd.snapshots().create(snap);
    rbd.snapshots().protect(snap);
    RbdRef stays = new RbdRef("vms", CephTestCluster.uniqueName("jn-stays"));
    created.add(0, stays);
    rbd.clones().clone(snap, stays, ImageSpec.ofSize(8 * MiB));
    java.util.concurrent.atomic.AtomicInteger running =
        new java.util.concurrent.atomic.AtomicInteger(3);
    List<Thread> churners = new ArrayList<>();
    for (int t = 0; t < 3; t++) {
      RbdRef churn = new RbdRef("vms", CephTestCluster.uniqueName("jn-churn"));
      created.add(0, churn);
      churners.add(
          new Thread(
              () -> {
                try {
                  for (int i = 0; i < 10; i++) {
                    rbd.clones().clone(snap, churn, ImageSpec.ofSize(8 * MiB));
                    rbd.images().remove(churn);
                  }
                } finally {
                  running.decrementAndGet();
                }
              }));
    }
    churners.forEach(Thread::start);
    try {
      while (running.get() > 0) assertThat(rbd.clones().children(snap)).contains(stays);
    } finally {
      for (Thread t : churners) t.join();
    }
    assertThat(rbd.clones().children(snap)).containsExactly(stays);
  }

  @Test
  void metadataGetSetListRemove() {
    RbdRef ref = newRef("images");
    rbd.images().create(ref, ImageSpec.ofSize(MiB));
    rbd.metadata().setAll(ref, Map.of("cephflow.name", "cirros", "cephflow.empty", ""));
    rbd.metadata().set(ref, "cephflow.long", "x".repeat(5000));
    assertThat(rbd.metadata().get(ref, "cephflow.name")).contains("cirros");
    assertThat(rbd.metadata().get(ref, "cephflow.long")).contains("x".repeat(5000));
    assertThat(rbd.metadata().get(ref, "missing")).isEmpty();
    assertThat(rbd.metadata().list(ref))
        .containsEntry("cephflow.name", "cirros")
        .containsEntry("cephflow.empty", "")
        .hasSize(3);
    rbd.metadata().remove(ref, "cephflow.name");
    rbd.metadata().remove(ref, "cephflow.name");
    assertThat(rbd.metadata().get(ref, "cephflow.name")).isEmpty();

    // replace: the keys it drops go unless it sets them, the others stay, its entries are set
    rbd.metadata().setAll(ref, Map.of("cephflow.a", "1", "cephflow.b", "2", "other", "3"));
    rbd.metadata()
        .replace(
            ref, k -> k.startsWith("cephflow."), Map.of("cephflow.b", "new", "cephflow.c", "4"));
    assertThat(rbd.metadata().list(ref))
        .isEqualTo(Map.of("cephflow.b", "new", "cephflow.c", "4", "other", "3"));
  }

  @Test
  void moveToTrashAndMissingPool() {
    RbdRef ref = newRef("vms");
    rbd.images().create(ref, ImageSpec.ofSize(MiB));
    rbd.images().moveToTrash(ref);
    rbd.images().moveToTrash(ref);
    assertThat(rbd.images().exists(ref)).isFalse();
    String trash = CephTestCluster.rbdCli("trash", "ls", "--format", "json", "vms");
    assertThat(trash).contains(ref.image());
    String id =
        trash.replaceAll("(?s).*\"id\":\"([^\"]+)\",\"name\":\"" + ref.image() + "\".*", "$1");
    CephTestCluster.rbdCli("trash", "rm", "vms/" + id);

    assertThatThrownBy(() -> rbd.images().exists(new RbdRef("no-such-pool", "x")))
        .isInstanceOfSatisfying(
            RbdException.class, e -> assertThat(e.kind()).isEqualTo(RbdException.Kind.NOT_FOUND));
  }

  @Test
  void invalidNamesAreRefusedBeforeLibrbd() {
    // the refs are the flows' wire records and do not validate; every port method does, first
    RbdRef option = new RbdRef("images", "a:b@c");
    RbdRef climbing = new RbdRef("images", "../x");
    RbdRef badPool = new RbdRef("images;rm", "x");
    SnapRef badSnap = new RbdRef("images", "x").snapshot("s=1");
    for (RbdRef bad : List.of(option, climbing, badPool)) {
      assertThatThrownBy(() -> rbd.images().create(bad, ImageSpec.ofSize(MiB)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("invalid");
      assertThatThrownBy(() -> rbd.images().exists(bad))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> rbd.images().remove(bad))
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> rbd.snapshots().create(badSnap))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("snapshot name");
    assertThatThrownBy(
            () -> rbd.clones().clone(badSnap, new RbdRef("vms", "y"), ImageSpec.ofSize(MiB)))
        .isInstanceOf(IllegalArgumentException.class);
    // nothing of them reached the cluster
    assertThat(rbd.images().list("images")).doesNotContain("a:b@c", "../x");
  }
}
