package io.cephflow.worker.limits;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One bounded class of activity types on this worker (conversions, flattens, transfers, libvirt
 * calls): at most {@code permits} of its types run at once; the others wait in arrival order.
 */
public final class ActivitySlots {
  private final String name;
  private final int permits;
  private final Set<String> types;
  private final Semaphore semaphore;
  private final AtomicInteger waiting = new AtomicInteger();

  public ActivitySlots(String name, int permits, Set<String> types) {
    if (permits < 1)
      throw new IllegalArgumentException(
          "cephflow.limits." + name + ".permits must be >= 1, got " + permits);
    this.name = name;
    this.permits = permits;
    this.types = Set.copyOf(types);
    this.semaphore = new Semaphore(permits, true);
  }

  /** The class of each activity type; a type named in two classes is refused. */
  public static Map<String, ActivitySlots> byType(Iterable<ActivitySlots> classes) {
    Map<String, ActivitySlots> out = new HashMap<>();
    for (ActivitySlots c : classes) {
      for (String t : c.types) {
        ActivitySlots before = out.putIfAbsent(t, c);
        if (before != null) {
          throw new IllegalArgumentException(
              "activity type "
                  + t
                  + " is in both cephflow.limits."
                  + before.name
                  + " and cephflow.limits."
                  + c.name);
        }
      }
    }
    return Map.copyOf(out);
  }

  /**
   * Takes a slot within {@code millis}; false when none freed meanwhile (the caller heartbeats and
   * asks again).
   */
  boolean tryAcquire(long millis) throws InterruptedException {
    return semaphore.tryAcquire(millis, TimeUnit.MILLISECONDS);
  }

  void release() {
    semaphore.release();
  }

  void waitingChanged(int by) {
    waiting.addAndGet(by);
  }

  public String name() {
    return name;
  }

  public int permits() {
    return permits;
  }

  public Set<String> types() {
    return types;
  }

  /** Activities of this class running now. */
  public int inUse() {
    return permits - semaphore.availablePermits();
  }

  /** Activities of this class queued for a slot now. */
  public int waiting() {
    return waiting.get();
  }
}
