package io.cephflow.worker.limits;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.activity.ActivityExecutionContext;
import io.temporal.activity.ActivityInfo;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptor;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A retried long step queued behind a busy slot keeps its predecessor's progress on Temporal: what
 * the wait heartbeats is the previous attempt's {@code long[]} details, never null, so an attempt
 * that dies while queued still leaves the next one the offset to resume from.
 */
class QueuedProgressTest {
  @Test
  void theWaitResendsThePreviousAttemptsProgress() throws Exception {
    ActivitySlots slots = new ActivitySlots("conversions", 1, Set.of("ConvertImageInto"));
    ActivityLimits limits = new ActivityLimits(List.of(slots));
    List<Object> beats = new CopyOnWriteArrayList<>();
    AtomicBoolean ran = new AtomicBoolean();
    ActivityExecutionContext ctx = context(beats, new long[] {500, 1000});
    ActivityInboundCallsInterceptor next =
        proxy(
            ActivityInboundCallsInterceptor.class,
            (m, a) -> {
              if (m.equals("execute")) ran.set(true);
              return null;
            });
    ActivityInboundCallsInterceptor chain = limits.interceptActivity(next);
    chain.init(ctx);

    assertThat(slots.tryAcquire(0)).isTrue(); // another activity holds the only slot
    Thread queued = new Thread(() -> chain.execute(null));
    queued.start();
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    while (beats.size() < 2 && System.nanoTime() < deadline) Thread.sleep(20);
    assertThat(ran).isFalse();
    slots.release();
    queued.join(60_000);

    assertThat(ran).isTrue();
    assertThat(beats)
        .hasSizeGreaterThanOrEqualTo(2)
        .allSatisfy(b -> assertThat((long[]) b).containsExactly(500, 1000));
    assertThat(slots.inUse()).isZero();
  }

  /** A context whose previous attempt reported {@code progress}; heartbeats are recorded. */
  private static ActivityExecutionContext context(List<Object> beats, long[] progress) {
    ActivityInfo info =
        proxy(
            ActivityInfo.class,
            (m, a) ->
                switch (m) {
                  case "getActivityType" -> "ConvertImageInto";
                  case "getHeartbeatTimeout" -> Duration.ofMillis(600); // a beat every 200 ms
                  case "isLocal" -> false;
                  default -> null;
                });
    return proxy(
        ActivityExecutionContext.class,
        (m, a) ->
            switch (m) {
              case "getInfo" -> info;
              case "getHeartbeatDetails" -> Optional.of(progress);
              case "heartbeat" -> {
                beats.add(a[0]);
                yield null;
              }
              default -> null;
            });
  }

  interface Answer {
    Object answer(String method, Object[] args);
  }

  @SuppressWarnings("unchecked")
  private static <T> T proxy(Class<T> type, Answer answer) {
    return (T)
        Proxy.newProxyInstance(
            type.getClassLoader(),
            new Class<?>[] {type},
            (p, m, a) -> answer.answer(m.getName(), a));
  }
}
