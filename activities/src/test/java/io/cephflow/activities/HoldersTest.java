package io.cephflow.activities;

import static org.assertj.core.api.Assertions.assertThat;

import io.cephflow.activities.RecordRaceTest.RacedStore;
import io.cephflow.workflows.storage.ResourceActivities;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * A hold asks Temporal whether a source's holders still run only about the oldest few, once each
 * per call: asking about all of them on every try made 100 concurrent boots from one image take 17
 * s a hold (bench/load-bench.sh, 2026-12-03).
 */
class HoldersTest {
  final RacedStore store = new RacedStore();
  final Set<String> ended = ConcurrentHashMap.newKeySet();
  final Map<String, Integer> asked = new ConcurrentHashMap<>();
  final ResourceActivitiesImpl resources =
      new ResourceActivitiesImpl(
          store,
          Clock.systemUTC(),
          op -> {
            asked.merge(op, 1, Integer::sum);
            return !ended.contains(op);
          });

  /** An available image held by {@code n} boots, boot0@run the oldest. */
  List<String> anImageHeldBy(int n) {
    resources.claimCreate(
        new ResourceActivities.Claim("image", "i1", "upload@run", "upload i1", null));
    resources.settleCreate("image", "i1", "upload@run", null);
    List<String> holders = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      holders.add("boot" + i + "@run");
      resources.hold("image", "i1", "boot" + i + "@run", false);
    }
    asked.clear();
    return holders;
  }

  @Test
  void aHoldAsksOnlyAboutTheOldestHolders() {
    List<String> holders = anImageHeldBy(20);
    resources.hold("image", "i1", "new@run", false);
    assertThat(asked.keySet())
        .containsExactlyInAnyOrderElementsOf(
            holders.subList(0, ResourceActivitiesImpl.HOLDERS_ASKED_PER_HOLD));
    List<String> expected = new ArrayList<>(holders);
    expected.add("new@run");
    assertThat(resources.readRecord("image", "i1").holders()).isEqualTo(expected);
  }

  @Test
  void aHoldThatLosesTriesAsksAboutEachHolderOnce() {
    anImageHeldBy(3);
    store.losses.set(20);
    resources.hold("image", "i1", "new@run", false);
    assertThat(asked).hasSize(3).allSatisfy((op, times) -> assertThat(times).isEqualTo(1));
    assertThat(resources.readRecord("image", "i1").holders()).contains("new@run");
  }

  @Test
  void endedHoldersAreDroppedAsTheyBecomeTheOldest() {
    anImageHeldBy(6);
    ended.addAll(List.of("boot0@run", "boot1@run", "boot5@run"));
    resources.hold("image", "i1", "a@run", false);
    assertThat(resources.readRecord("image", "i1").holders())
        .containsExactly("boot2@run", "boot3@run", "boot4@run", "boot5@run", "a@run");
    resources.letGo("image", "i1", "boot2@run");
    resources.letGo("image", "i1", "boot3@run");
    resources.hold("image", "i1", "b@run", false);
    // boot5 is among the oldest four now: asked, ended, dropped
    assertThat(resources.readRecord("image", "i1").holders())
        .containsExactly("boot4@run", "a@run", "b@run");
  }

  @Test
  void aDeleteStillAsksAboutEveryHolder() {
    List<String> holders = anImageHeldBy(10);
    ended.addAll(holders.subList(0, 9));
    var refused =
        org.assertj.core.api.Assertions.catchThrowable(
            () -> resources.beginDelete("image", "i1", "delete@run", false));
    assertThat(refused).hasMessageContaining("boot9");
    assertThat(asked.keySet()).containsExactlyInAnyOrderElementsOf(holders);
  }
}
