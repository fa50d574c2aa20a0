package io.cephflow.intake.qemu;

import io.cephflow.ceph.DataSource;
import io.cephflow.intake.format.DiskFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link QemuImg} over the qemu-img and qemu-nbd binaries, each run under prlimit. */
public final class ProcessQemuImg implements QemuImg {

  /**
   * ~100 bytes per extent: about 600 000 extents; beyond, the image is decoded through qemu-nbd.
   */
  static final long MAX_MAP_BYTES = 64L << 20;

  static final String MAP_FILE_PREFIX = "cephflow-map-" + ProcessHandle.current().pid() + "-";
  private static final Logger LOG = LoggerFactory.getLogger(ProcessQemuImg.class);

  private final QemuLimits infoLimits;
  private final QemuLimits convertLimits;
  private final int chunkSize;

  public ProcessQemuImg() {
    this(QemuLimits.forInfo(), QemuLimits.forConvert(), NbdExtentSource.DEFAULT_CHUNK);
  }

  /**
   * @param chunkSize largest extent {@link RawExtentSource} yields (qemu-nbd caps reads at 32 MiB)
   */
  public ProcessQemuImg(QemuLimits infoLimits, QemuLimits convertLimits, int chunkSize) {
    if (chunkSize < (64 << 10) || chunkSize > (32 << 20)) {
      throw new IllegalArgumentException("chunkSize must be within 64 KiB..32 MiB");
    }
    this.infoLimits = infoLimits;
    this.convertLimits = convertLimits;
    this.chunkSize = chunkSize;
  }

  @Override
  public QemuImageInfo info(Path image, DiskFormat format) throws IOException {
    LimitedProcess.Result r =
        LimitedProcess.run(
            List.of(
                "qemu-img", "info", "--output=json", "--image-opts", ImageOpts.of(image, format)),
            infoLimits,
            null);
    return QemuImageInfo.parse(r.stdout());
  }

  @Override
  public void convertToRaw(Path image, DiskFormat format, Path target, ProgressListener progress)
      throws IOException {
    if (!target.isAbsolute()) {
      // an absolute path has a '/' before any ':', so qemu never reads it as "protocol:..."
      throw new IllegalArgumentException("target must be an absolute path: " + target);
    }
    Path out = target.normalize();
    Files.deleteIfExists(out);
    try {
      LimitedProcess.run(
          List.of(
              "qemu-img",
              "convert",
              "-p",
              "--image-opts",
              ImageOpts.of(image, format),
              "-O",
              "raw",
              out.toString()),
          convertLimits,
          new PercentParser(progress));
      progress.onProgress(100.0);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(out);
      throw e;
    }
  }

  @Override
  public RawExtentSource openRaw(Path image, DiskFormat format) throws IOException {
    return NbdExtentSource.open(QemuNbdServer.start(image, format, convertLimits), chunkSize);
  }

  @Override
  public DataSource openRawData(Path image, DiskFormat format, long virtualSize)
      throws IOException {
    if (format == DiskFormat.LUKS) {
      return new ExtentDataSource(openRaw(image, format));
    }
    Path map = Files.createTempFile(MAP_FILE_PREFIX, ".json");
    try {
      LimitedProcess.runWritingTo(
          List.of("qemu-img", "map", "--output=json", "--image-opts", ImageOpts.of(image, format)),
          infoLimits,
          map,
          MAX_MAP_BYTES);
    } catch (QemuProcessException e) {
      // most likely too fragmented to map within the limits; qemu-nbd needs no map
      Files.deleteIfExists(map);
      LOG.info(
          "qemu-img map of {} failed ({}); decoding all of it through qemu-nbd",
          image,
          e.getMessage());
      return new ExtentDataSource(openRaw(image, format));
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(map);
      throw e;
    }
    return MappedRawSource.open(image, format, convertLimits, virtualSize, map);
  }

  /** qemu-img -p writes " (12.34/100%)\r" to stdout even without a terminal. */
  private static final class PercentParser implements Consumer<String> {
    private static final Pattern PERCENT = Pattern.compile("\\((\\d+(?:\\.\\d+)?)/100%\\)");
    private final ProgressListener listener;
    private final StringBuilder pending = new StringBuilder();
    private double last = -1;

    PercentParser(ProgressListener listener) {
      this.listener = listener;
    }

    @Override
    public void accept(String s) {
      pending.append(s);
      Matcher m = PERCENT.matcher(pending);
      int consumed = 0;
      while (m.find()) {
        double pct = Double.parseDouble(m.group(1));
        if (pct > last) {
          last = pct;
          listener.onProgress(pct);
        }
        consumed = m.end();
      }
      pending.delete(0, consumed);
      if (pending.length() > 4096) {
        pending.setLength(0);
      }
    }
  }
}
