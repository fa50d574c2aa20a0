package io.cephflow.bench;

import io.cephflow.ceph.CephConfig;
import io.cephflow.ceph.DataSource;
import io.cephflow.ceph.ImageSpec;
import io.cephflow.ceph.Progress;
import io.cephflow.ceph.Rbd;
import io.cephflow.ceph.RbdException;
import io.cephflow.ceph.SnapshotInfo;
import io.cephflow.ceph.librbd.CephCluster;
import io.cephflow.ceph.librbd.Librbd;
import io.cephflow.ceph.librbd.RadosRecordStore;
import io.cephflow.workflows.common.RbdRef;
import io.cephflow.workflows.common.SnapRef;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A memory-safety stress of our librbd/librados binding (not a benchmark, not in CI): threads that
 * open/stat/list snapshots and children/read metadata of one shared parent and its clone, clone and
 * remove, run record-store write ops, and stream small images through the aio ring, all at once,
 * while another thread forces GCs so that any native memory whose Java owner died early is freed
 * early. Run it with glibc's heap checks ({@code bench/jna-stress.sh} sets MALLOC_CHECK_=3
 * MALLOC_PERTURB_=165): a corruption aborts or crashes the JVM, a clean run prints the op counts
 * and exits 0.
 *
 * <pre>NativeStressMain POOL SECONDS THREADS [close]</pre>
 *
 * <p>With {@code close}, the cluster handle is closed halfway through while the threads still run,
 * as a worker's shutdown does to activities that outlive the drain (or the API's close to a read in
 * flight): every later call must fail with an RbdException, none may crash.
 */
public final class NativeStressMain {
  /** STRESS_CASES=9,10 runs only those kinds of step (to find which one breaks). */
  private static final int[] CASES =
      System.getenv("STRESS_CASES") == null
          ? null
          : java.util.Arrays.stream(System.getenv("STRESS_CASES").split(","))
              .mapToInt(Integer::parseInt)
              .toArray();

  private static volatile RbdRef SHARED;

  private static final AtomicLong OPS = new AtomicLong(),
      REFUSED = new AtomicLong(),
      CHURNS = new AtomicLong();

  public static void main(String[] args) throws Exception {
    String pool = args[0];
    long seconds = Long.parseLong(args[1]);
    int threads = Integer.parseInt(args[2]);
    CephCluster cluster = CephCluster.connect(CephConfig.fromEnv());
    Rbd rbd = Librbd.over(cluster, 8);
    RadosRecordStore records = new RadosRecordStore(cluster, "jn-stress");
    String run = "jn-" + Long.toHexString(System.nanoTime() & 0xffffff);
    RbdRef parent = new RbdRef(pool, run + "-parent");
    SnapRef base = parent.snapshot("base");
    RbdRef child = new RbdRef(pool, run + "-child");
    List<RbdRef> made = new ArrayList<>(List.of(child, parent));
    rbd.images().create(parent, ImageSpec.ofSize(64L << 20));
    // larger than the first buffers of metadata get (1 KiB) and list (4 KiB), and more
    // snapshots than the first snap list asks for (8): every ERANGE path runs
    rbd.metadata().set(parent, "k", "v".repeat(5000));
    for (int i = 0; i < 12; i++) rbd.snapshots().create(parent.snapshot("extra" + i));
    rbd.snapshots().create(base);
    rbd.snapshots().protect(base);
    rbd.clones().clone(base, child, ImageSpec.ofSize(64L << 20));
    // a second handle (another librados client in this process, as the worker's and the API's
    // are) for the odd threads; both work on one shared image, so that writes on one and
    // snapshots, resizes and flattens on the other pass its exclusive lock between them
    CephCluster second = CephCluster.connect(CephConfig.fromEnv());
    Rbd rbd2 = Librbd.over(second, 8);
    RbdRef shared = new RbdRef(pool, run + "-shared");
    made.add(0, shared);
    rbd.images().create(shared, ImageSpec.ofSize(16L << 20));
    SHARED = shared;
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    List<Thread> ts = new ArrayList<>();
    List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int t = 0; t < threads; t++) {
      int id = t;
      ts.add(
          new Thread(
              () -> {
                RbdRef own = new RbdRef(pool, run + "-w" + id);
                synchronized (made) {
                  made.add(0, own);
                  made.add(0, new RbdRef(pool, own.image() + "-c"));
                  made.add(0, new RbdRef(pool, own.image() + "-f"));
                }
                try {
                  while (System.nanoTime() < end) {
                    step(id % 2 == 0 ? rbd : rbd2, records, pool, parent, base, child, own, id);
                    OPS.incrementAndGet();
                  }
                } catch (Throwable e) {
                  failures.add(e);
                }
              },
              "stress-" + t));
    }
    Thread gc =
        new Thread(
            () -> {
              while (System.nanoTime() < end) {
                System.gc();
                System.runFinalization();
                sleep(20);
              }
            },
            "stress-gc");
    boolean closeEarly = args.length > 3 && args[3].equals("close");
    if (args.length > 3 && args[3].equals("churn")) ts.add(churn(pool, base, run, end, failures));
    ts.forEach(Thread::start);
    gc.start();
    if (closeEarly) {
      Thread.sleep(seconds * 500);
      System.out.println("closing the cluster handle under " + threads + " busy threads");
      failures.clear(); // failures after the close are expected: typed errors, not crashes
      cluster.close();
      for (Thread t : ts) t.join();
      gc.join();
      long closedErrors = failures.stream().filter(f -> f instanceof RbdException).count();
      System.out.println("after close: " + closedErrors + " threads ended with an RbdException");
      failures.removeIf(f -> f instanceof RbdException);
      CephCluster again = CephCluster.connect(CephConfig.fromEnv());
      Rbd rbd3 = Librbd.over(again, 8);
      for (RbdRef r : made) purge(rbd3, r);
      RadosRecordStore records2 = new RadosRecordStore(again, "jn-stress");
      for (String k : records2.keys(pool))
        records2.read(pool, k).ifPresent(v -> records2.remove(pool, k, v));
      again.close();
    } else {
      for (Thread t : ts) t.join();
      gc.join();
      for (RbdRef r : made) purge(rbd, r);
      for (String k : records.keys(pool))
        records.read(pool, k).ifPresent(v -> records.remove(pool, k, v));
      second.close();
      cluster.close();
    }
    System.out.println(
        "ops="
            + OPS.get()
            + " churns="
            + CHURNS.get()
            + " refused="
            + REFUSED.get()
            + " failures="
            + failures.size());
    for (Throwable f : failures) f.printStackTrace();
    System.exit(failures.isEmpty() ? 0 : 1);
  }

  private static void step(
      Rbd rbd,
      RadosRecordStore records,
      String pool,
      RbdRef parent,
      SnapRef base,
      RbdRef child,
      RbdRef own,
      int id) {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    switch (CASES == null ? r.nextInt(13) : CASES[r.nextInt(CASES.length)]) {
      case 11 -> {
        // the shared image: a write (takes its exclusive lock) and a snapshot of it
        rbd.streams().writeAt(SHARED, r.nextLong(15L << 20) & ~4095, new byte[65536]);
        SnapRef s = SHARED.snapshot("t" + id + "-" + r.nextInt(2));
        rbd.snapshots().create(s);
        rbd.snapshots().remove(s);
      }
      case 12 -> {
        // resizes of the shared image, proxied to whichever handle holds its lock
        rbd.images().resize(SHARED, (16L << 20) + (r.nextInt(4) << 20), true);
        rbd.streams().readAt(SHARED, 0, 4096);
      }
      case 0 -> rbd.images().stat(r.nextBoolean() ? parent : child);
      case 1 -> rbd.snapshots().list(parent);
      case 2 -> rbd.clones().children(base);
      case 3 -> {
        rbd.metadata().get(parent, "k");
        rbd.metadata().list(parent);
      }
      case 4 -> {
        String key = "jn-" + id + "-" + r.nextInt(4);
        String v = records.read(pool, key).orElse(null);
        boolean ok =
            v == null
                ? records.create(pool, key, "x".repeat(r.nextInt(1, 2000)))
                : r.nextBoolean()
                    ? records.replace(pool, key, v, v + "y")
                    : records.remove(pool, key, v);
        if (!ok) REFUSED.incrementAndGet();
        records.keys(pool);
      }
      case 5 -> {
        // an own clone, listed from the parent side, then removed
        RbdRef c = new RbdRef(pool, own.image() + "-c");
        rbd.clones().clone(base, c, ImageSpec.ofSize(64L << 20));
        rbd.clones().parent(c);
        rbd.images().remove(c);
      }
      case 6, 7 -> {
        if (!rbd.images().exists(own)) rbd.images().create(own, ImageSpec.ofSize(16L << 20));
        rbd.streams().write(own, new RandomSource(16L << 20), 0, Progress.NONE);
        rbd.streams().readAt(own, r.nextLong(16L << 20) & ~4095, 8192);
      }
      case 9 -> {
        // error paths: a missing image, snapshot, key and record
        RbdRef missing = new RbdRef(pool, own.image() + "-missing");
        expect(() -> rbd.images().stat(missing));
        expect(() -> rbd.snapshots().list(missing));
        rbd.snapshots().remove(missing.snapshot("nope"));
        rbd.metadata().get(parent, "missing-key");
        records.read(pool, "jn-missing-" + id);
        expect(() -> records.replace(pool, "jn-missing-" + id, "a", "b"));
      }
      case 10 -> {
        // a clone of its own, flattened (progress callbacks from librbd's threads), exported
        RbdRef c = new RbdRef(pool, own.image() + "-f");
        rbd.clones().clone(base, c, ImageSpec.ofSize(64L << 20));
        rbd.streams().writeAt(c, 0, new byte[4096]);
        AtomicLong seen = new AtomicLong();
        rbd.clones().flatten(c, (done, total) -> seen.incrementAndGet());
        rbd.images().resize(c, 8L << 20, true);
        rbd.streams().export(c, java.io.OutputStream.nullOutputStream(), Progress.NONE);
        rbd.images().remove(c);
      }
      default -> {
        if (!rbd.images().exists(own)) rbd.images().create(own, ImageSpec.ofSize(16L << 20));
        SnapRef s = own.snapshot("s" + r.nextInt(3));
        rbd.snapshots().create(s);
        for (SnapshotInfo i : rbd.snapshots().list(own)) i.name();
        rbd.snapshots().remove(s);
      }
    }
  }

  /**
   * Handles that come and go beside the busy one, as a worker's Spring contexts do in the ITs' JVM:
   * each connects, makes and streams an image, clones and flattens, then is closed (librados shut
   * down) while the other threads keep working on the long-lived handle.
   */
  private static Thread churn(
      String pool, SnapRef base, String run, long end, List<Throwable> failures) {
    return new Thread(
        () -> {
          int round = 0;
          try {
            while (System.nanoTime() < end) {
              CephCluster.lazy(CephConfig.fromEnv()).close();
              CephCluster other = CephCluster.connect(CephConfig.fromEnv());
              Rbd rbd = Librbd.over(other, 8);
              RbdRef img = new RbdRef(pool, run + "-churn" + (round++));
              rbd.images().create(img, ImageSpec.ofSize(16L << 20));
              rbd.streams().write(img, new RandomSource(16L << 20), 0, Progress.NONE);
              RbdRef c = new RbdRef(pool, img.image() + "-c");
              rbd.clones().clone(base, c, ImageSpec.ofSize(64L << 20));
              rbd.clones().flatten(c, (done, total) -> {});
              rbd.snapshots().list(img);
              purge(rbd, c);
              purge(rbd, img);
              other.close();
              CHURNS.incrementAndGet();
            }
          } catch (Throwable e) {
            failures.add(e);
          }
        },
        "stress-churn");
  }

  private static void expect(Runnable call) {
    try {
      call.run();
      throw new IllegalStateException("expected NOT_FOUND");
    } catch (RbdException e) {
      if (e.kind() != RbdException.Kind.NOT_FOUND) throw e;
    }
  }

  private static void purge(Rbd rbd, RbdRef ref) {
    try {
      if (!rbd.images().exists(ref)) return;
      for (SnapshotInfo s : rbd.snapshots().list(ref)) {
        SnapRef snap = ref.snapshot(s.name());
        for (RbdRef c : rbd.clones().children(snap)) purge(rbd, c);
        rbd.snapshots().unprotect(snap);
        rbd.snapshots().remove(snap);
      }
      rbd.images().remove(ref);
    } catch (RbdException e) {
      System.err.println("could not remove " + ref + ": " + e.getMessage());
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Random 1 MiB regions with holes between them, as a sparse file reads. */
  private static final class RandomSource implements DataSource {
    private final long size;
    private long pos;

    RandomSource(long size) {
      this.size = size;
    }

    @Override
    public long size() {
      return size;
    }

    @Override
    public long next(ByteBuffer dst) {
      if (pos >= size) return -1;
      long offset = pos;
      int n = (int) Math.min(dst.remaining(), Math.min(1 << 20, size - pos));
      ThreadLocalRandom r = ThreadLocalRandom.current();
      boolean zero = r.nextInt(4) == 0;
      for (int i = 0; i < n; i += 8) dst.putLong(zero ? 0 : r.nextLong() | 1);
      pos += n + (r.nextBoolean() ? 1 << 20 : 0);
      return offset;
    }

    @Override
    public void close() {}
  }

  private NativeStressMain() {}
}
