package io.cephflow.activities;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cephflow.model.InMemoryRecordStore;
import io.cephflow.workflows.common.ResourceRecord.State;
import io.cephflow.workflows.storage.ResourceActivities;
import io.temporal.failure.ApplicationFailure;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A record change that loses its conditional replace to another writer decides again on the record
 * as it now is (found by 100 concurrent boots from one image: 29 failed RecordChanged).
 */
class RecordRaceTest {
  /** A record store whose next {@code losses} replaces lose, as to another writer. */
  static final class RacedStore extends InMemoryRecordStore {
    final AtomicInteger losses = new AtomicInteger();

    @Override
    public boolean replace(String pool, String key, String expected, String value) {
      if (losses.getAndUpdate(n -> Math.max(0, n - 1)) > 0) return false;
      return super.replace(pool, key, expected, value);
    }
  }

  final RacedStore store = new RacedStore();
  final ResourceActivitiesImpl resources =
      new ResourceActivitiesImpl(store, Clock.systemUTC(), op -> true);

  void anAvailableImage() {
    resources.claimCreate(
        new ResourceActivities.Claim("image", "i1", "upload@run", "upload i1", null));
    resources.settleCreate("image", "i1", "upload@run", null);
  }

  @Test
  void aHoldThatLosesItsReplaceManyTimesStillHoldsTheImage() {
    anAvailableImage();
    store.losses.set(ResourceActivitiesImpl.CHANGE_TRIES - 1);
    var held = resources.hold("image", "i1", "boot@run", false);
    assertThat(held.state()).isEqualTo(State.AVAILABLE);
    assertThat(held.holders()).contains("boot@run");
    assertThat(resources.readRecord("image", "i1").holders()).contains("boot@run");
  }

  @Test
  void aHoldThatLosesEveryTryFailsRetryablyWithRecordChanged() {
    anAvailableImage();
    store.losses.set(ResourceActivitiesImpl.CHANGE_TRIES);
    assertThatThrownBy(() -> resources.hold("image", "i1", "boot@run", false))
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            f -> {
              assertThat(f.getType()).isEqualTo(ResourceActivitiesImpl.RECORD_CHANGED);
              assertThat(f.isNonRetryable()).isFalse();
            });
    assertThat(resources.readRecord("image", "i1").holders()).doesNotContain("boot@run");
  }
}
