package io.cephflow.intake;

import io.cephflow.ceph.CephConfig;
import io.cephflow.ceph.ImageRef;
import io.cephflow.ceph.ImportResult;
import io.cephflow.ceph.Progress;
import io.cephflow.ceph.Rbd;
import io.cephflow.ceph.librbd.CephCluster;
import io.cephflow.ceph.librbd.Librbd;
import io.cephflow.intake.format.DiskFormat;
import io.cephflow.intake.format.InspectionPolicy;
import io.cephflow.intake.qemu.ProcessQemuImg;
import io.cephflow.intake.qemu.QemuLimits;
import io.cephflow.intake.qemu.RawExtentSource;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;

/**
 * Not a test: one run of cephflow's decode path (vet, qemu-nbd + Java NBD client, RBD writer
 * with 16 aio writes in flight) from a local image into an existing RBD image, as
 * bench/intake-bench.sh calls it. Prints "seconds vetSeconds bytesWritten peakHeapMiB".
 * Usage: IntakeBenchMain IMAGE FORMAT POOL/NAME [NBD_CONNECTIONS=1]
 */
public final class IntakeBenchMain {
  public static void main(String[] args) throws Exception {
    Path image = Path.of(args[0]);
    DiskFormat format = DiskFormat.fromName(args[1]);
    String[] target = args[2].split("/", 2);
    int connections = args.length > 3 ? Integer.parseInt(args[3]) : 1;
    ProcessQemuImg qemu = new ProcessQemuImg(QemuLimits.forInfo(), QemuLimits.forConvert(), 4 << 20, connections);
    ImageIntake intake = new ImageIntake(InspectionPolicy.defaults(), qemu);
    try (CephCluster cluster = CephCluster.connect(CephConfig.fromEnv())) {
      Rbd rbd = Librbd.over(cluster, 16);
      if (format == DiskFormat.RAW) { // the RBD writer alone, from a local raw file: no qemu
        long t0 = System.nanoTime();
        try (var data = new io.cephflow.transfer.SparseFileDataSource(image)) {
          ImportResult r = rbd.streams().write(new ImageRef(target[0], target[1]), data, 0, Progress.NONE);
          System.out.printf("%.3f 0 %d 0%n", (System.nanoTime() - t0) / 1e9, r.bytesWritten());
        }
        return;
      }
      long t0 = System.nanoTime();
      intake.vet(image, format);
      long t1 = System.nanoTime();
      ImportResult r;
      try (RawExtentSource raw = qemu.openRaw(image, format); ExtentDataSource data = new ExtentDataSource(raw)) {
        r = rbd.streams().write(new ImageRef(target[0], target[1]), data, 0, Progress.NONE);
      }
      long t2 = System.nanoTime();
      long peak = 0;
      for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
        if (pool.getType() == MemoryType.HEAP) peak += pool.getPeakUsage().getUsed();
      }
      System.out.printf("%.3f %.3f %d %d%n", (t2 - t0) / 1e9, (t1 - t0) / 1e9, r.bytesWritten(), peak >> 20);
    }
  }
}
