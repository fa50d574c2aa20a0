package io.cephflow.ceph.librbd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cephflow.ceph.RbdException;
import io.cephflow.workflows.common.RbdRef;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ImageLocksTest {
  private final RbdRef ref = new RbdRef("volumes", "locks-test");

  @Test
  void aSecondUseOfTheImageWaitsForTheFirst() throws Exception {
    CountDownLatch second = new CountDownLatch(1);
    CompletableFuture<Void> other;
    try (var first = ImageLocks.acquire(ref, "first")) {
      other =
          CompletableFuture.runAsync(
              () -> {
                try (var h = ImageLocks.acquire(ref, "second")) {
                  second.countDown();
                }
              });
      assertThat(second.await(300, TimeUnit.MILLISECONDS)).as("waits while held").isFalse();
      try (var again = ImageLocks.acquire(ref, "same thread")) {
        assertThat(again).isNotNull(); // the same thread may hold it twice (nested opens)
      }
    }
    other.get(5, TimeUnit.SECONDS);
    assertThat(second.getCount()).isZero();
    assertThat(ImageLocks.tracked()).as("nothing kept once released").isZero();
  }

  @Test
  void aUseThatWaitsTooLongFailsRetryable() throws Exception {
    try (var first = ImageLocks.acquire(ref, "first")) {
      CompletableFuture<Void> other =
          CompletableFuture.runAsync(
              () ->
                  assertThatThrownBy(
                          () -> ImageLocks.acquire(ref, "remove image", Duration.ofMillis(100)))
                      .isInstanceOfSatisfying(
                          RbdException.class,
                          e -> {
                            assertThat(e.kind()).isEqualTo(RbdException.Kind.TIMED_OUT);
                            assertThat(e.getMessage())
                                .contains("remove image")
                                .contains("in use by another operation");
                          }));
      other.get(5, TimeUnit.SECONDS);
    }
    assertThat(ImageLocks.tracked()).isZero();
  }
}
