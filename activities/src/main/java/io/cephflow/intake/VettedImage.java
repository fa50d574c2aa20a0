package io.cephflow.intake;

import io.cephflow.intake.format.InspectedImage;
import io.cephflow.intake.qemu.QemuImageInfo;
import java.nio.file.Path;

/** An image both the Java inspector and qemu-img read the same way, within the limits. */
public record VettedImage(Path file, InspectedImage inspected, QemuImageInfo qemu) {

  public long virtualSize() {
    return qemu.virtualSize();
  }
}
