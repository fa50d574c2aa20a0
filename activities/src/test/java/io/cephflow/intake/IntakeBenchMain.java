package io.cephflow.intake;

import io.cephflow.ceph.CephConfig;
import io.cephflow.ceph.DataSource;
import io.cephflow.ceph.ImageSpec;
import io.cephflow.ceph.ImportResult;
import io.cephflow.ceph.Progress;
import io.cephflow.ceph.Rbd;
import io.cephflow.ceph.librbd.CephCluster;
import io.cephflow.ceph.librbd.Librbd;
import io.cephflow.intake.format.DiskFormat;
import io.cephflow.intake.format.InspectionPolicy;
import io.cephflow.intake.qemu.ExtentDataSource;
import io.cephflow.intake.qemu.ProcessQemuImg;
import io.cephflow.intake.qemu.QemuLimits;
import io.cephflow.transfer.RawDigest;
import io.cephflow.transfer.SparseFileDataSource;
import io.cephflow.workflows.common.RbdRef;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;

/**
 * Not a test: one run of cephflow's decode path (vet, then the raw view, RBD writer with 16 aio
 * writes in flight) from a local image into an existing RBD image, as bench/intake-bench.sh calls
 * it. Prints "seconds vetSeconds bytesWritten peakHeapMiB". Usage: IntakeBenchMain IMAGE FORMAT
 * POOL/NAME [PATH=map] [WARMUP_IMAGE], where PATH is {@code map} (the production path:
 * QemuImg#openRawData, qemu-img map + direct reads) or {@code nbd} (everything decoded through
 * qemu-nbd and the Java NBD client, the path before).
 *
 * <p>With WARMUP_IMAGE (same format), the same vet + decode runs on it first, untimed, into a
 * scratch image POOL/NAME-warmup that is removed again: the timed run then sees a warm JVM, as in
 * the long-lived worker. Without it the figure includes class loading and JIT compilation.
 */
public final class IntakeBenchMain {
  public static void main(String[] args) throws Exception {
    Path image = Path.of(args[0]);
    DiskFormat format = DiskFormat.fromName(args[1]);
    String[] target = args[2].split("/", 2);
    String path = args.length > 3 ? args[3] : "map";
    if (!path.equals("map") && !path.equals("nbd"))
      throw new IllegalArgumentException("PATH is map or nbd");
    Path warmup = args.length > 4 ? Path.of(args[4]) : null;
    ProcessQemuImg qemu =
        new ProcessQemuImg(QemuLimits.forInfo(), QemuLimits.forConvert(), 4 << 20);
    ImageIntake intake = new ImageIntake(InspectionPolicy.defaults(), qemu);
    RbdRef targetRef = new RbdRef(target[0], target[1]);
    try (CephCluster cluster = CephCluster.connect(CephConfig.fromEnv())) {
      Rbd rbd = Librbd.over(cluster, 16);
      if (format == DiskFormat.RAW) { // the RBD writer alone, from a local raw file: no qemu
        long t0 = System.nanoTime();
        try (var data = new SparseFileDataSource(image)) {
          ImportResult r = rbd.streams().write(targetRef, data, 0, Progress.NONE);
          System.out.printf("%.3f 0 %d 0%n", (System.nanoTime() - t0) / 1e9, r.bytesWritten());
        }
        return;
      }
      if (warmup != null) {
        RbdRef scratch = new RbdRef(target[0], target[1] + "-warmup");
        long size = intake.vet(warmup, format).virtualSize();
        rbd.images().create(scratch, ImageSpec.ofSize(size));
        try {
          decode(qemu, rbd, warmup, format, size, scratch, path);
        } finally {
          rbd.images().remove(scratch);
        }
      }
      long t0 = System.nanoTime();
      long size = intake.vet(image, format).virtualSize();
      long t1 = System.nanoTime();
      ImportResult r = decode(qemu, rbd, image, format, size, targetRef, path);
      long t2 = System.nanoTime();
      long peak = 0;
      for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
        if (pool.getType() == MemoryType.HEAP) peak += pool.getPeakUsage().getUsed();
      }
      System.out.printf(
          "%.3f %.3f %d %d%n", (t2 - t0) / 1e9, (t1 - t0) / 1e9, r.bytesWritten(), peak >> 20);
    }
  }

  private static ImportResult decode(
      ProcessQemuImg qemu,
      Rbd rbd,
      Path image,
      DiskFormat format,
      long size,
      RbdRef target,
      String path)
      throws Exception {
    // as ImageConverter does: the raw image's SHA-256 (provenance) is computed on the way
    try (DataSource data =
        new RawDigest(
            path.equals("map")
                ? qemu.openRawData(image, format, size)
                : new ExtentDataSource(qemu.openRaw(image, format)))) {
      return rbd.streams().write(target, data, 0, Progress.NONE);
    }
  }
}
