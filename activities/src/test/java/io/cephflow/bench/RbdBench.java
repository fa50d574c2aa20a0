package io.cephflow.bench;

import io.cephflow.ceph.CephConfig;
import io.cephflow.ceph.ImageSpec;
import io.cephflow.ceph.ImportResult;
import io.cephflow.ceph.Progress;
import io.cephflow.ceph.Rbd;
import io.cephflow.ceph.librbd.CephCluster;
import io.cephflow.ceph.librbd.Librbd;
import io.cephflow.transfer.RawDigest;
import io.cephflow.transfer.SparseFileDataSource;
import io.cephflow.transfer.StreamDataSource;
import io.cephflow.workflows.common.RbdRef;
import io.cephflow.workflows.common.SnapRef;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One RBD operation per invocation, timed in process, for bench/rbd-bench.sh. Prints one line of
 * {@code key=value} pairs on stdout. Test scope: it ships nothing.
 *
 * <pre>
 *   RbdBench [--depth=N] [--warmup=FILE] import-sparse FILE POOL/IMAGE  create + write through SparseFileDataSource
 *   RbdBench [--depth=N] import-upload FILE POOL/IMAGE     the upload activity's path for a local raw file:
 *                                                          SparseFileDataSource in RawDigest (SHA-256, holes as zeros)
 *   RbdBench [--depth=N] import-stream FILE POOL/IMAGE     its path for a URL: every byte through StreamDataSource (SHA-256)
 *   RbdBench [--depth=N] import-stream-nodigest FILE POOL/IMAGE
 *   RbdBench snap-protect-clone POOL/IMAGE SNAP POOL/CHILD snapshot create + protect + clone
 *   RbdBench flatten POOL/IMAGE
 * </pre>
 *
 * {@code seconds} is the operation alone (image create included for imports, as rbd import creates
 * its image); {@code connect_seconds} is the cluster connection before it. Peak heap is the sum of
 * the heap pools' peak usage since JVM start: an upper bound of the real peak.
 *
 * <p>{@code --warmup=FILE} (imports only): the same import of FILE into POOL/IMAGE-warmup first,
 * untimed, and that image removed again, so the timed import runs in a warm JVM as in the
 * long-lived worker ({@code warmup_seconds} says how long it took). Without it the figure includes
 * class loading and JIT compilation.
 */
public final class RbdBench {
  private RbdBench() {}

  public static void main(String[] argv) throws Exception {
    List<String> args = new ArrayList<>(List.of(argv));
    int depth = 16;
    Path warmup = null;
    while (!args.isEmpty() && args.get(0).startsWith("--")) {
      String opt = args.remove(0);
      if (opt.startsWith("--depth=")) depth = Integer.parseInt(opt.substring("--depth=".length()));
      else if (opt.startsWith("--warmup=")) warmup = Path.of(opt.substring("--warmup=".length()));
      else usage("unknown option " + opt);
    }
    if (args.isEmpty()) usage("no operation");
    String op = args.get(0);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("op", op);

    long c0 = System.nanoTime();
    try (CephCluster cluster = CephCluster.connect(CephConfig.fromEnv())) {
      Rbd rbd = Librbd.over(cluster, depth);
      out.put("connect_seconds", secs(System.nanoTime() - c0));
      long t0;
      switch (op) {
        case "import-sparse",
            "import-upload",
            "import-upload-sha256",
            "import-stream",
            "import-stream-nodigest" -> {
          need(args, 3);
          Path file = Path.of(args.get(1));
          RbdRef target = ref(args.get(2));
          out.put("image", target);
          out.put("depth", depth);
          if (warmup != null) {
            RbdRef scratch = new RbdRef(target.pool(), target.image() + "-warmup");
            long w0 = System.nanoTime();
            try {
              importFile(rbd, op, warmup, scratch, new LinkedHashMap<>());
            } finally {
              rbd.images().remove(scratch);
            }
            out.put("warmup_seconds", secs(System.nanoTime() - w0));
          }
          importFile(rbd, op, file, target, out);
        }
        case "snap-protect-clone" -> {
          need(args, 4);
          RbdRef parent = ref(args.get(1));
          SnapRef snap = parent.snapshot(args.get(2));
          RbdRef child = ref(args.get(3));
          out.put("image", child);
          t0 = System.nanoTime();
          rbd.snapshots().create(snap);
          rbd.snapshots().protect(snap);
          rbd.clones().clone(snap, child, ImageSpec.ofSize(0));
          out.put("seconds", secs(System.nanoTime() - t0));
        }
        case "flatten" -> {
          need(args, 2);
          RbdRef image = ref(args.get(1));
          out.put("image", image);
          t0 = System.nanoTime();
          rbd.clones().flatten(image, Progress.NONE);
          out.put("seconds", secs(System.nanoTime() - t0));
        }
        default -> usage("unknown operation " + op);
      }
    }
    out.put("peak_heap_mib", String.format(Locale.ROOT, "%.1f", peakHeapBytes() / 1048576.0));
    out.put("max_heap_mib", Runtime.getRuntime().maxMemory() >> 20);
    out.put("peak_rss_mib", peakRssMib());
    StringBuilder line = new StringBuilder();
    out.forEach(
        (k, v) -> line.append(line.length() == 0 ? "" : " ").append(k).append('=').append(v));
    System.out.println(line);
  }

  /**
   * Create + write, timed into {@code out} ({@code seconds}, {@code create_seconds}, counts,
   * digest).
   */
  private static void importFile(
      Rbd rbd, String op, Path file, RbdRef target, Map<String, Object> out) throws IOException {
    long size = Files.size(file);
    long t0 = System.nanoTime();
    rbd.images().create(target, ImageSpec.ofSize(size));
    out.put("create_seconds", secs(System.nanoTime() - t0));
    ImportResult r;
    String digest = null;
    if (op.equals("import-sparse")) {
      try (var src = new SparseFileDataSource(file)) {
        r = rbd.streams().write(target, src, 0, Progress.NONE);
      }
    } else if (op.equals("import-upload") || op.equals("import-upload-sha256")) {
      // the upload activity's digests: the chunked SHA-256 always, the full one when asked for
      boolean full = op.equals("import-upload-sha256");
      try (var src =
          new RawDigest(
              new SparseFileDataSource(file),
              io.cephflow.activities.ImportActivitiesImpl.algorithms(!full, null))) {
        r = rbd.streams().write(target, src, 0, Progress.NONE);
        digest = src.hex("SHA-256");
        out.put("chunked_sha256", src.hex(io.cephflow.transfer.ChunkedSha256.ALGORITHM));
      }
    } else {
      boolean withDigest = op.equals("import-stream");
      // an HTTP body arrives as a stream: every byte read, hashed and zero-checked
      try (var src =
          new StreamDataSource(
              Files.newInputStream(file), size, withDigest ? "SHA-256" : null, Long.MAX_VALUE)) {
        r = rbd.streams().write(target, src, 0, Progress.NONE);
        if (withDigest) digest = src.hexDigest();
      }
    }
    out.put("seconds", secs(System.nanoTime() - t0));
    out.put("bytes_read", r.bytesRead());
    out.put("bytes_written", r.bytesWritten());
    out.put("zero_bytes_skipped", r.zeroBytesSkipped());
    if (digest != null) out.put("sha256", digest);
  }

  private static RbdRef ref(String poolSlashName) {
    int slash = poolSlashName.indexOf('/');
    if (slash < 0) usage("expected POOL/IMAGE, got " + poolSlashName);
    return new RbdRef(poolSlashName.substring(0, slash), poolSlashName.substring(slash + 1));
  }

  private static void need(List<String> args, int n) {
    if (args.size() != n) usage(args.get(0) + " takes " + (n - 1) + " arguments");
  }

  private static String secs(long nanos) {
    return String.format(Locale.ROOT, "%.3f", nanos / 1e9);
  }

  static long peakHeapBytes() {
    long sum = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null)
        sum += pool.getPeakUsage().getUsed();
    }
    return sum;
  }

  /** VmHWM: the process' peak resident set (heap, native buffers, librbd's caches), or -1. */
  static long peakRssMib() {
    try {
      for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (l.startsWith("VmHWM:")) return Long.parseLong(l.replaceAll("\\D", "")) >> 10;
      }
    } catch (IOException | NumberFormatException e) {
      // not Linux: leave it out
    }
    return -1;
  }

  private static void usage(String why) {
    System.err.println(
        "RbdBench: "
            + why
            + "\nusage: RbdBench [--depth=N] [--warmup=FILE] import-sparse|import-upload|import-upload-sha256|import-stream|"
            + "import-stream-nodigest FILE POOL/IMAGE | snap-protect-clone POOL/IMAGE SNAP POOL/CHILD | flatten POOL/IMAGE");
    System.exit(2);
  }
}
