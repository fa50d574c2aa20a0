package io.cephflow.ceph.librbd;

import java.util.Objects;

/**
 * Loads librados and librbd once, on a thread of its own with a large stack, before any other use.
 *
 * <p>The first load of librados runs libceph-common's static initialisers, and building its option
 * table takes about 1 MiB of native stack (measured: a thread of 960 KiB dies, one of 1000 KiB
 * survives with nothing above it). Java threads get 1 MiB by default, so whichever thread touched
 * librados first (the worker's main thread inside Spring's bean creation, an API request thread
 * under its filters, a test's thread under JUnit) overflowed its stack as soon as its own frames
 * took the last few tens of KiB, and the JVM died with a bare SIGSEGV. Later calls need little
 * stack: connect, pool, open, aio writes and close all run on a 64 KiB thread.
 */
final class NativeLibraries {
  /** Room for the static initialisers, with a wide margin. */
  static final long LOAD_STACK = 16L << 20;

  private static boolean loaded;

  private NativeLibraries() {}

  /** Loads the libraries unless done already; rethrows what the load threw (a missing library). */
  static synchronized void load() {
    if (loaded) return;
    Throwable failed =
        onStack(
            "ceph-library-load",
            LOAD_STACK,
            () -> {
              // rados-java's own binding first (it loads librados), then ours
              Class.forName("com.ceph.rados.Library", true, NativeLibraries.class.getClassLoader());
              Objects.requireNonNull(RadosNative.INSTANCE);
              Objects.requireNonNull(RbdNative.INSTANCE);
              Objects.requireNonNull(AgesNative.INSTANCE);
            });
    if (failed instanceof Error err) throw err;
    if (failed != null) throw new IllegalStateException("cannot load librados/librbd", failed);
    loaded = true;
  }

  /** A body that may throw anything. */
  interface Body {
    void run() throws Exception;
  }

  /**
   * Runs {@code body} on a thread of its own with {@code stackBytes} of stack, waits for it (an
   * interrupt meanwhile is kept for after: a half-done load cannot be abandoned) and returns what
   * it threw, or null.
   */
  static Throwable onStack(String name, long stackBytes, Body body) {
    Throwable[] failed = new Throwable[1];
    Thread t =
        new Thread(
            null,
            () -> {
              try {
                body.run();
              } catch (Throwable e) {
                failed[0] = e;
              }
            },
            name,
            stackBytes);
    t.start();
    boolean interrupted = false;
    while (true) {
      try {
        t.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) Thread.currentThread().interrupt();
    return failed[0];
  }
}
