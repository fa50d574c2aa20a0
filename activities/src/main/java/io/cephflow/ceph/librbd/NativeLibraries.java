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
    Throwable[] failed = new Throwable[1];
    Thread t =
        new Thread(
            null,
            () -> {
              try {
                // rados-java's own binding first (it loads librados), then ours
                Class.forName(
                    "com.ceph.rados.Library", true, NativeLibraries.class.getClassLoader());
                Objects.requireNonNull(RadosNative.INSTANCE);
                Objects.requireNonNull(RbdNative.INSTANCE);
                Objects.requireNonNull(AgesNative.INSTANCE);
              } catch (Throwable e) {
                failed[0] = e;
              }
            },
            "ceph-library-load",
            LOAD_STACK);
    t.start();
    boolean interrupted = false;
    while (true) {
      try {
        t.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true; // the load cannot be abandoned half way: finish it, then re-interrupt
      }
    }
    if (interrupted) Thread.currentThread().interrupt();
    if (failed[0] instanceof Error err) throw err;
    if (failed[0] != null)
      throw new IllegalStateException("cannot load librados/librbd", failed[0]);
    loaded = true;
  }
}
