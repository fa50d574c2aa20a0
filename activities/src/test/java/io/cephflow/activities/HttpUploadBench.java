package io.cephflow.activities;

import io.cephflow.ceph.CephConfig;
import io.cephflow.ceph.ImageSpec;
import io.cephflow.ceph.ImportResult;
import io.cephflow.ceph.Progress;
import io.cephflow.ceph.Rbd;
import io.cephflow.ceph.librbd.CephCluster;
import io.cephflow.ceph.librbd.Librbd;
import io.cephflow.intake.ImageIntake;
import io.cephflow.intake.format.DiskFormat;
import io.cephflow.intake.format.InspectionPolicy;
import io.cephflow.intake.qemu.ProcessQemuImg;
import io.cephflow.intake.qemu.QemuLimits;
import io.cephflow.transfer.ScratchArea;
import io.cephflow.transfer.SourcePolicy;
import io.cephflow.transfer.Sources;
import io.cephflow.transfer.SparseFileDataSource;
import io.cephflow.transfer.StagedDownload;
import io.cephflow.transfer.StreamDataSource;
import io.cephflow.workflows.common.RbdRef;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Not a test: the upload flow's activity steps for a URL, in one process, as bench/http-bench.sh
 * calls them, with the production ports (source policy with loopback allowed, the format check, the
 * SHA-256, the vetting), timed from the first request to the last write. Prints {@code seconds=…
 * bytes=… written=… sha256=…}.
 *
 * <pre>
 *   HttpUploadBench raw URL POOL/IMAGE           probe (head + format check), create, stream with SHA-256
 *   HttpUploadBench staged URL POOL/IMAGE FORMAT SCRATCH_DIR
 *                                                fetch to scratch (SHA-256), vet, create, write, remove scratch
 * </pre>
 *
 * With {@code --warmup=URL} (same kind) that runs once first into POOL/IMAGE-warmup, removed again.
 */
public final class HttpUploadBench {
  private HttpUploadBench() {}

  public static void main(String[] argv) throws Exception {
    List<String> args = new java.util.ArrayList<>(List.of(argv));
    String warmup = null;
    if (args.get(0).startsWith("--warmup="))
      warmup = args.remove(0).substring("--warmup=".length());
    String mode = args.get(0);
    String[] t = args.get(2).split("/", 2);
    RbdRef target = new RbdRef(t[0], t[1]);
    Path scratchDir = mode.equals("staged") ? Path.of(args.get(4)) : null;
    DiskFormat format = mode.equals("staged") ? DiskFormat.fromName(args.get(3)) : DiskFormat.RAW;
    Sources sources = new Sources(SourcePolicy.defaults(List.of()).withLoopback(true));
    ProcessQemuImg qemu =
        new ProcessQemuImg(QemuLimits.forInfo(), QemuLimits.forConvert(), 4 << 20);
    ImageIntake intake = new ImageIntake(InspectionPolicy.defaults(), qemu);
    try (CephCluster cluster = CephCluster.connect(CephConfig.fromEnv())) {
      Rbd rbd = Librbd.over(cluster, 16);
      if (warmup != null) {
        RbdRef scratchImage = new RbdRef(target.pool(), target.image() + "-warmup");
        try {
          upload(mode, warmup, scratchImage, format, scratchDir, sources, intake, rbd);
        } finally {
          rbd.images().remove(scratchImage);
        }
      }
      long t0 = System.nanoTime();
      String line = upload(mode, args.get(1), target, format, scratchDir, sources, intake, rbd);
      System.out.printf(Locale.ROOT, "seconds=%.3f %s%n", (System.nanoTime() - t0) / 1e9, line);
    }
  }

  /**
   * -Dbench.sha256=true: the full SHA-256 too, as when the caller asks for it (else the chunked one
   * only).
   */
  static final boolean FULL_SHA256 = Boolean.getBoolean("bench.sha256");

  private static String upload(
      String mode,
      String url,
      RbdRef target,
      DiskFormat format,
      Path scratchDir,
      Sources sources,
      ImageIntake intake,
      Rbd rbd)
      throws Exception {
    if (mode.equals(
        "raw")) { // UploadImageWorkflowImpl.streamRaw: probeSource, createImage, writeFromSource
      long size;
      try (Sources.Opened probe = sources.open(url)) {
        intake.inspectHead(probe.body().readNBytes(ImageIntake.HEAD_BYTES), DiskFormat.RAW);
        size = probe.length();
      }
      rbd.images().create(target, ImageSpec.ofSize(size));
      try (Sources.Opened opened = sources.open(url);
          StreamDataSource data =
              new StreamDataSource(
                  opened.body(),
                  opened.length(),
                  sources.policy().maxBytes(),
                  ImportActivitiesImpl.algorithms(!FULL_SHA256, null))) {
        ImportResult r = rbd.streams().write(target, data, 0, Progress.NONE);
        return "bytes="
            + r.bytesRead()
            + " written="
            + r.bytesWritten()
            + " sha256="
            + data.hex("SHA-256")
            + " chunked="
            + data.hex(io.cephflow.transfer.ChunkedSha256.ALGORITHM);
      }
    }
    // stageVetAndWrite: stageSource, vetStaged, createImage, writeStaged, removeStaged
    ScratchArea scratch = new ScratchArea(scratchDir);
    Path file = scratch.file("upload-" + target.image());
    try {
      StagedDownload.Result staged =
          StagedDownload.fetch(
              sources, scratch, url, file, FULL_SHA256, null, 1 << 20, Progress.NONE);
      intake.vet(file, format);
      rbd.images().create(target, ImageSpec.ofSize(staged.bytes()));
      try (SparseFileDataSource data = new SparseFileDataSource(file)) {
        ImportResult r = rbd.streams().write(target, data, 0, Progress.NONE);
        return "bytes="
            + staged.bytes()
            + " written="
            + r.bytesWritten()
            + " sha256="
            + staged.sha256()
            + " chunked="
            + staged.chunkedSha256();
      }
    } finally {
      ScratchArea.delete(file);
    }
  }
}
