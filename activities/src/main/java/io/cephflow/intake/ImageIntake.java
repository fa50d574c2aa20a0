package io.cephflow.intake;

import io.cephflow.intake.format.DiskFormat;
import io.cephflow.intake.format.ImageInspector;
import io.cephflow.intake.format.InspectedImage;
import io.cephflow.intake.format.InspectionPolicy;
import io.cephflow.intake.format.UnsafeImageException;
import io.cephflow.intake.qemu.QemuAgreement;
import io.cephflow.intake.qemu.QemuImageInfo;
import io.cephflow.intake.qemu.QemuImg;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The gate in front of every qemu use on an uploaded image: Java header checks first (qemu never
 * sees a refused file), then qemu-img info under limits, then both answers must agree.
 */
public final class ImageIntake {

  private final InspectionPolicy policy;
  private final ImageInspector inspector;
  private final QemuImg qemu;

  public ImageIntake(InspectionPolicy policy, QemuImg qemu) {
    this.policy = policy;
    this.inspector = new ImageInspector(policy);
    this.qemu = qemu;
  }

  /**
   * Checks only the first bytes of a stream that is declared raw (or iso) and is written as it
   * arrives: enough to see every container signature (the furthest is ISO's at 0x8001), so a qcow2
   * or vmdk posing as raw never lands in the pool as "raw".
   */
  public InspectedImage inspectHead(byte[] head, DiskFormat declared)
      throws IOException, UnsafeImageException {
    try (HeadChannel ch = new HeadChannel(head)) {
      return inspector.inspect(ch, declared);
    }
  }

  /** The number of leading bytes {@link #inspectHead} needs. */
  public static final int HEAD_BYTES = 64 << 10;

  public VettedImage vet(Path file, DiskFormat declared) throws IOException, UnsafeImageException {
    InspectedImage inspected = inspector.inspect(file, declared);
    QemuImageInfo info = qemu.info(file, declared);
    QemuAgreement.check(file, inspected, info, policy.maxVirtualSize());
    return new VettedImage(file, inspected, info);
  }

  /** The raw view of a file this gate vetted (qemu decodes it; the map covers its virtual size). */
  public io.cephflow.ceph.DataSource openRaw(VettedImage vetted, DiskFormat format)
      throws IOException {
    return qemu.openRawData(vetted.file(), format, vetted.virtualSize());
  }
}
