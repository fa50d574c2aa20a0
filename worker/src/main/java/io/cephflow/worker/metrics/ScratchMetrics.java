package io.cephflow.worker.metrics;

import io.cephflow.transfer.ScratchArea;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.function.ToDoubleFunction;

/**
 * This host's scratch area, read at every scrape: {@code cephflow_scratch_bytes} (the apparent size
 * of the staged and converted files in it), {@code cephflow_scratch_usable_bytes} and {@code
 * cephflow_scratch_capacity_bytes} (its file system). A staging refuses to go into the configured
 * reserve; the alert {@code CephflowScratchFilling} fires before that happens.
 */
public final class ScratchMetrics implements MeterBinder {
  private final ScratchArea scratch;

  public ScratchMetrics(ScratchArea scratch) {
    this.scratch = scratch;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    gauge(
        registry,
        "cephflow_scratch_bytes",
        "bytes of the files in the scratch area",
        u -> u.filesBytes());
    gauge(
        registry,
        "cephflow_scratch_usable_bytes",
        "bytes still usable on the scratch file system",
        u -> u.usableBytes());
    gauge(
        registry,
        "cephflow_scratch_capacity_bytes",
        "size of the scratch file system",
        u -> u.totalBytes());
  }

  private void gauge(
      MeterRegistry registry, String name, String help, ToDoubleFunction<ScratchArea.Usage> f) {
    Gauge.builder(
            name,
            scratch,
            s -> {
              try {
                return f.applyAsDouble(s.usage());
              } catch (RuntimeException e) {
                return Double.NaN; // the directory is gone: the scrape says so instead of failing
              }
            })
        .description(help)
        .baseUnit("bytes")
        .register(registry);
  }
}
