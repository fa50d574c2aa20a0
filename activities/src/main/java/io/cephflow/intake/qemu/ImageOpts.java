package io.cephflow.intake.qemu;

import io.cephflow.intake.format.DiskFormat;
import java.nio.file.Path;

/**
 * Builds the --image-opts string qemu gets instead of a filename. A filename is parsed by qemu
 * ("rbd:", "json:", "nbd:" prefixes, leading '-'); an options string with file.driver=file is not.
 * "backing=" (empty) tells qemu not to open any backing file even if one is named.
 */
final class ImageOpts {

  private ImageOpts() {}

  static String of(Path image, DiskFormat format) {
    String path = image.toAbsolutePath().normalize().toString();
    if (path.indexOf('\0') >= 0 || path.indexOf('\n') >= 0) {
      throw new IllegalArgumentException("unsupported character in image path");
    }
    return "driver="
        + format.qemuDriver()
        + ",backing=,file.driver=file,file.filename="
        + path.replace(",", ",,");
  }
}
