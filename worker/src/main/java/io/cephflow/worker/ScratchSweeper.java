package io.cephflow.worker;

import io.cephflow.intake.qemu.QemuTempFiles;
import io.cephflow.transfer.ScratchArea;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes what a worker killed mid-flow leaves on the host: scratch files older than the configured
 * age (at start and every hour) and the qemu runners' temporary files of JVMs that no longer run
 * (at start). Flows clean up after themselves on every path they survive.
 */
public final class ScratchSweeper implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ScratchSweeper.class);
  private final ScratchArea scratch;
  private final Duration maxAge;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "cephflow-scratch-sweeper");
            t.setDaemon(true);
            return t;
          });

  public ScratchSweeper(ScratchArea scratch, Duration maxAge) {
    this.scratch = scratch;
    this.maxAge = maxAge;
  }

  /** Sweeps now (qemu temporary files too), then the scratch area every hour. */
  public ScratchSweeper start() {
    try {
      List<String> orphans =
          QemuTempFiles.removeOrphans(Path.of(System.getProperty("java.io.tmpdir")));
      if (!orphans.isEmpty())
        LOG.info("removed temporary files of workers that are gone: {}", orphans);
    } catch (Exception e) {
      LOG.warn("could not sweep the temporary directory: {}", e.toString());
    }
    timer.scheduleWithFixedDelay(this::sweepScratch, 0, 1, TimeUnit.HOURS);
    return this;
  }

  void sweepScratch() {
    try {
      List<String> removed = scratch.sweep(maxAge);
      if (!removed.isEmpty()) LOG.info("removed scratch files older than {}: {}", maxAge, removed);
    } catch (RuntimeException e) {
      LOG.warn("could not sweep {}: {}", scratch.dir(), e.toString());
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
