package io.cephflow.activities;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.cephflow.ceph.ImageInfo;
import io.cephflow.ceph.Rbd;
import io.cephflow.ceph.RbdClones;
import io.cephflow.ceph.RbdException;
import io.cephflow.ceph.RbdImages;
import io.cephflow.ceph.RbdMetadata;
import io.cephflow.ceph.RbdSnapshots;
import io.cephflow.ceph.RbdStreams;
import io.cephflow.ceph.SnapshotInfo;
import io.cephflow.workflows.common.Failures;
import io.cephflow.workflows.common.Provenance;
import io.cephflow.workflows.common.RbdRef;
import io.cephflow.workflows.common.SnapRef;
import io.temporal.failure.ApplicationFailure;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The storage activities' error mapping, one port call away: what librbd's errors become as typed
 * activity failures (type, retryability, details). The port answers from a table here; what librbd
 * itself returns is covered by RbdLayerIT against the dev cluster.
 */
class StorageActivitiesImplTest {
  private static final RbdRef IMAGE = RbdRef.image("4a3d1f6e-0000-4000-8000-000000000001");
  private static final SnapRef SNAP = new SnapRef(IMAGE, "snap");

  /** Port method name → its answer (a value, or an exception to throw). */
  private final Map<String, Function<Object[], Object>> answers = new HashMap<>();

  private final StorageActivitiesImpl activities = new StorageActivitiesImpl(rbd(), Set.of());

  private void answer(String method, Function<Object[], Object> answer) {
    answers.put(method, answer);
  }

  private static Function<Object[], Object> fails(RbdException e) {
    return args -> {
      throw e;
    };
  }

  @ParameterizedTest
  @EnumSource(RbdException.Kind.class)
  void everyKindOfCephErrorIsATypedFailure(RbdException.Kind kind) {
    answer(
        "resize", fails(new RbdException(kind, 1, "resize images/x: boom", List.of("vms/a_disk"))));
    ApplicationFailure f = failure(() -> activities.resizeImage(IMAGE, 1 << 20, false));
    Object[] expected =
        switch (kind) {
          case EXISTS -> new Object[] {Failures.CONFLICT, true};
          case NOT_FOUND -> new Object[] {Failures.NOT_FOUND, true};
          case PERMISSION_DENIED -> new Object[] {Failures.PERMISSION_DENIED, true};
          case INVALID -> new Object[] {Failures.INVALID_REQUEST, true};
          case HAS_SNAPSHOTS -> new Object[] {Failures.IN_USE, true};
          case BUSY -> new Object[] {"Busy", false};
          case NO_SPACE -> new Object[] {Failures.NO_SPACE, false};
          case TIMED_OUT, OTHER -> new Object[] {Failures.CEPH_ERROR, false};
        };
    assertThat(f.getType()).isEqualTo(expected[0]);
    assertThat(f.isNonRetryable()).isEqualTo(expected[1]);
    assertThat(f.getOriginalMessage()).isEqualTo("resize images/x: boom");
  }

  @Test
  void heldResourcesNameTheirHoldersInTheDetails() {
    answer("resize", fails(RbdException.busy("busy", List.of("vms/a_disk", "volumes/volume-b"))));
    ApplicationFailure f = failure(() -> activities.resizeImage(IMAGE, 1, false));
    assertThat(f.getDetails().get(0, List.class)).containsExactly("vms/a_disk", "volumes/volume-b");
  }

  @Test
  void anInvalidNameIsRefusedBeforeCephIsAsked() {
    ApplicationFailure f =
        failure(() -> activities.resizeImage(new RbdRef("images", "x:conf=/etc/passwd"), 1, false));
    assertThat(f.getType()).isEqualTo(Failures.INVALID_REQUEST);
    assertThat(f.isNonRetryable()).isTrue();
    ApplicationFailure snap = failure(() -> activities.createSnapshot(new SnapRef(IMAGE, "a@b")));
    assertThat(snap.getType()).isEqualTo(Failures.INVALID_REQUEST);
  }

  @Test
  void anImageOfAnotherOwnerIsAConflictNotAnAdoption() {
    answer("exists", args -> true);
    answer("get", args -> Optional.of("image-upload-other"));
    ApplicationFailure f =
        failure(() -> activities.createImage(IMAGE, 1 << 20, "image-upload-mine"));
    assertThat(f.getType()).isEqualTo(Failures.CONFLICT);
    assertThat(f.isNonRetryable()).isTrue();
    assertThat(f.getOriginalMessage()).contains("image-upload-other");
  }

  @Test
  void anUnownedImageOfAnotherShapeIsAConflict() {
    answer("exists", args -> true);
    answer("get", args -> Optional.empty());
    answer(
        "stat", args -> new ImageInfo((RbdRef) args[0], 2 << 20, 22, Set.of(), Optional.empty()));
    ApplicationFailure f =
        failure(() -> activities.createImage(IMAGE, 1 << 20, "image-upload-mine"));
    assertThat(f.getType()).isEqualTo(Failures.CONFLICT);
    assertThat(f.getOriginalMessage()).contains("not created by cephflow");
  }

  @Test
  void removingAnImageWhoseSnapshotHasClonesIsInUseNamingThem() {
    answer("exists", args -> true);
    answer("get", args -> Optional.of("owner"));
    answer("list", args -> List.of(new SnapshotInfo("snap", 1, 1 << 20, true)));
    answer("children", args -> List.of(new RbdRef("vms", "s1_disk")));
    ApplicationFailure f = failure(() -> activities.removeImage(IMAGE, "owner"));
    assertThat(f.getType()).isEqualTo(Failures.IN_USE);
    assertThat(f.isNonRetryable()).isTrue();
    assertThat(f.getDetails().get(0, List.class)).containsExactly("vms/s1_disk");
  }

  @Test
  void deletingAnImageWithSnapshotsIsInUseNamingThem() {
    answer("exists", args -> true);
    answer("list", args -> List.of(new SnapshotInfo("snapshot-1", 1, 1 << 20, false)));
    ApplicationFailure f = failure(() -> activities.deleteImage(IMAGE));
    assertThat(f.getType()).isEqualTo(Failures.IN_USE);
    assertThat(f.getDetails().get(0, List.class))
        .containsExactly(IMAGE.pool() + "/" + IMAGE.image() + "@snapshot-1");
  }

  @Test
  void unprotectingASnapshotWithClonesIsInUseAndOneMerelyBusyIsRetried() {
    answer("exists", args -> true);
    answer("unprotect", fails(RbdException.busy("unprotect: busy", List.of("volumes/volume-c"))));
    ApplicationFailure held = failure(() -> activities.unprotectSnapshot(SNAP));
    assertThat(held.getType()).isEqualTo(Failures.IN_USE);
    assertThat(held.isNonRetryable()).isTrue();

    answer("unprotect", fails(RbdException.busy("unprotect: busy", List.of())));
    ApplicationFailure busy = failure(() -> activities.unprotectSnapshot(SNAP));
    assertThat(busy.getType()).isEqualTo("Busy");
    assertThat(busy.isNonRetryable()).isFalse();
  }

  @Test
  void whatIsGoneIsNoFailureForTheUndos() {
    answer("exists", args -> false);
    answer("find", args -> java.util.Optional.empty());
    activities.removeImage(IMAGE, "owner");
    activities.deleteImage(IMAGE);
    activities.unprotectSnapshot(SNAP);
    assertThat(activities.listSnapshots(IMAGE)).isEmpty();
    assertThat(activities.statImage(IMAGE).exists()).isFalse();
  }

  @Test
  void anImageOfAnotherOwnerIsNeverRemoved() {
    answer("exists", args -> true);
    answer(
        "get",
        args -> args[1].equals(Provenance.OWNER) ? Optional.of("someone-else") : Optional.empty());
    activities.removeImage(
        IMAGE, "owner"); // "remove" has no answer: calling it would fail the test
  }

  private static ApplicationFailure failure(Runnable call) {
    ApplicationFailure f = catchThrowableOfType(ApplicationFailure.class, call::run);
    assertThat(f).as("the call's failure").isNotNull();
    return f;
  }

  private Rbd rbd() {
    return new Rbd(
        port(RbdImages.class),
        port(RbdSnapshots.class),
        port(RbdClones.class),
        port(RbdMetadata.class),
        port(RbdStreams.class));
  }

  private <T> T port(Class<T> type) {
    return type.cast(
        Proxy.newProxyInstance(
            type.getClassLoader(),
            new Class<?>[] {type},
            (proxy, m, args) -> {
              if (m.getDeclaringClass() == Object.class) return m.invoke(this, args);
              Function<Object[], Object> a = answers.get(m.getName());
              if (a == null)
                throw new AssertionError(
                    "unexpected port call " + type.getSimpleName() + "." + m.getName());
              return a.apply(args == null ? new Object[0] : args);
            }));
  }
}
