package io.cephflow.intake;

import io.cephflow.ceph.DataSource;
import io.cephflow.ceph.ImportResult;
import io.cephflow.ceph.Progress;
import io.cephflow.ceph.Rbd;
import io.cephflow.intake.format.DiskFormat;
import io.cephflow.intake.format.UnsafeImageException;
import io.cephflow.intake.qemu.QemuImg;
import io.cephflow.transfer.RawDigest;
import io.cephflow.transfer.ScratchArea;
import io.cephflow.transfer.ScratchFullException;
import io.cephflow.workflows.common.RbdRef;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Decodes an image stored in its own format into an existing RBD image: the stored (compact) file
 * is exported to the scratch area, vetted again (the pool is not a place we trust more than the
 * upload), and its raw view streamed into the target (see QemuImg#openRawData). No full-size raw
 * copy ever touches the local disk, and the scratch file is removed whatever happens.
 */
public final class ImageConverter {
  private final Rbd rbd;
  private final ImageIntake intake;
  private final QemuImg qemu;
  private final ScratchArea scratch;

  public ImageConverter(Rbd rbd, ImageIntake intake, QemuImg qemu, ScratchArea scratch) {
    this.rbd = rbd;
    this.intake = intake;
    this.qemu = qemu;
    this.scratch = scratch;
  }

  /**
   * What the conversion did.
   *
   * @param sha256 of the raw image it wrote ({@code virtualSizeBytes} long, holes as zeros)
   */
  public record Result(long virtualSizeBytes, long bytesWritten, String sha256) {}

  /** The decoded image does not fit the target. */
  public static final class TargetTooSmallException extends Exception {
    public TargetTooSmallException(String message) {
      super(message);
    }
  }

  /**
   * @param resumeFrom bytes of the target known to be written by an earlier attempt
   * @param progress receives (bytes durable in the target, virtual size); the export of a non-raw
   *     source to scratch is reported as a preparatory pass, so a heartbeat never loses the resume
   *     point
   */
  public Result convert(
      RbdRef source, DiskFormat format, RbdRef target, long resumeFrom, Progress progress)
      throws IOException, UnsafeImageException, TargetTooSmallException {
    long targetSize = rbd.images().stat(target).sizeBytes();
    if (format == DiskFormat.RAW || format == DiskFormat.ISO) {
      long size = rbd.images().stat(source).sizeBytes();
      requireFits(size, targetSize, target);
      return write(
          new RbdReadSource(rbd.streams(), source, size), size, target, resumeFrom, progress);
    }
    Path file = scratch.newFile("convert");
    try {
      try (OutputStream out =
          ScratchFullException.watch(
              Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
              scratch.dir())) {
        rbd.streams().export(source, out, progress::preparing);
      }
      VettedImage vetted = intake.vet(file, format);
      requireFits(vetted.virtualSize(), targetSize, target);
      return write(
          qemu.openRawData(file, format, vetted.virtualSize()),
          vetted.virtualSize(),
          target,
          resumeFrom,
          progress);
    } finally {
      ScratchArea.delete(file);
    }
  }

  /**
   * Writes the raw view ({@code size} bytes) into the target, hashing it on the way; closes {@code
   * raw}.
   */
  private Result write(DataSource raw, long size, RbdRef target, long resumeFrom, Progress progress)
      throws IOException {
    try (RawDigest data = new RawDigest(raw)) {
      ImportResult r = rbd.streams().write(target, data, resumeFrom, progress);
      return new Result(size, r.bytesWritten(), data.hexDigest());
    }
  }

  private static void requireFits(long size, long targetSize, RbdRef target)
      throws TargetTooSmallException {
    if (size > targetSize) {
      throw new TargetTooSmallException(
          "the image's virtual size "
              + size
              + " does not fit "
              + target
              + " ("
              + targetSize
              + " bytes)");
    }
  }
}
