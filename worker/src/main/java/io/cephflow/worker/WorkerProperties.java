package io.cephflow.worker;

import io.cephflow.workflows.connection.TemporalConnection;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/** {@code cephflow.*}: everything the worker needs, with defaults next to the field. */
@Validated
@ConfigurationProperties("cephflow")
public record WorkerProperties(@DefaultValue Ceph ceph, @DefaultValue Temporal temporal,
                               @DefaultValue Sources sources, @DefaultValue Activities activities,
                               @DefaultValue Intake intake, @DefaultValue Worker worker,
                               @DefaultValue Faults faults, Map<String, Limit> limits) {

  public WorkerProperties {
    limits = limits == null ? Map.of() : Map.copyOf(limits);
  }

  /**
   * {@code cephflow.limits.<class>}: at most {@code permits} activities of the listed
   * {@code types} run at once on this worker; the rest queue (heartbeating) in arrival order.
   * The classes and their defaults (for a 2-core host) are in application.yml; see
   * docs/operations.md, "Resource bounds".
   */
  public record Limit(@Min(1) int permits, List<String> types) {
    public Limit {
      types = types == null ? List.of() : List.copyOf(types);
    }
  }

  /** The cluster and the identity cephflow runs as. */
  public record Ceph(@DefaultValue("/etc/ceph/ceph.conf") Path conf, @DefaultValue("cephflow") String client,
                     Path keyring, @DefaultValue("15s") Duration mountTimeout,
                     @DefaultValue("60s") Duration osdOpTimeout, @DefaultValue("16") @Min(1) int aioDepth) {}

  /**
   * Where Temporal is and how to reach it. {@code embedded}: run Temporal's Java test server
   * inside this process on {@code embeddedPort} (dev only: no persistence, no visibility; TLS and
   * API key do not apply). {@code tls}, {@code apiKey}, {@code apiKeyFile}: see
   * {@link TemporalConnection} (docs/operations.md, "Temporal TLS").
   */
  public record Temporal(@DefaultValue("127.0.0.1:7233") String target, @DefaultValue("default") String namespace,
                         @DefaultValue("false") boolean embedded, @DefaultValue("7233") int embeddedPort,
                         @DefaultValue TemporalConnection.Tls tls, String apiKey, Path apiKeyFile) {
    public TemporalConnection connection() {
      return new TemporalConnection(target, namespace, tls, apiKey, apiKeyFile);
    }
  }

  /**
   * The worker process. {@code shutdownGrace}: on SIGTERM the workers stop polling and running
   * activities get this long to finish (heartbeating meanwhile); what still runs then is
   * interrupted, and Temporal retries it elsewhere. Keep the pod's termination grace period above it.
   * {@code activitySlots}: activity executions each task queue's worker takes at once; those of a
   * bounded class that wait for a slot ({@code cephflow.limits}) hold one, so keep it well above the
   * sum of the limits. {@code stickySchedule}: how long a workflow task waits on this worker's
   * sticky queue (where its cached workflows are) before it goes to any worker; 0 (the
   * default) turns the cache's use off, so every workflow task replays the whole history (Temporal's
   * Java test server never hands a restarted worker its workflows back otherwise); against a real
   * Temporal server, a few seconds (the SDK's default is 5 s) saves the replays.
   */
  public record Worker(@DefaultValue("30s") Duration shutdownGrace, @DefaultValue("32") @Min(1) int activitySlots,
                       @DefaultValue("0s") Duration stickySchedule) {}

  /** Where image sources may come from. */
  public record Sources(@DefaultValue("/var/lib/cephflow/incoming") List<Path> localRoots,
                        @DefaultValue("false") boolean allowLoopback, @DefaultValue("false") boolean allowPrivateNetworks,
                        @DefaultValue("1TB") org.springframework.util.unit.DataSize maxSize,
                        @DefaultValue("10s") Duration connectTimeout, @DefaultValue("60s") Duration readTimeout,
                        @DefaultValue("5") int maxRedirects) {}

  /**
   * Untrusted image intake. {@code scratchDir} (default {@code <stateDir>/scratch}) holds staged
   * uploads and exported images being converted; it is made 0700 and only cephflow writes it.
   * {@code maxVirtualSize}: the largest guest-visible size an image may claim.
   * {@code scratchMaxAge}: scratch files not modified for this long are left over from a
   * worker that died mid-flow and are removed (at start and every hour).
   * {@code scratchReserve}, {@code scratchReservePercent}: staging keeps the larger of the two
   * free on the scratch file system; a source that would need more fails as too large.
   */
  public record Intake(@DefaultValue("/var/lib/cephflow") Path stateDir, Path scratchDir,
                       @DefaultValue("1TB") org.springframework.util.unit.DataSize maxVirtualSize,
                       @DefaultValue("24h") Duration scratchMaxAge,
                       @DefaultValue("1GB") org.springframework.util.unit.DataSize scratchReserve,
                       @DefaultValue("5") @Min(0) @Max(100) int scratchReservePercent) {
    public Path scratch() {
      return scratchDir != null ? scratchDir : stateDir.resolve("scratch");
    }
  }

  /**
   * Activity options: {@code defaults} for every activity type, {@code types.<ActivityType>}
   * (e.g. {@code WriteFromSource}) to override one.
   */
  public record Activities(@DefaultValue ActivitySettings defaults, Map<String, ActivitySettings> types) {
    public Activities {
      types = types == null ? Map.of() : Map.copyOf(types);
    }
  }

  /** Timeouts and retries of one activity type; null fields fall back to the defaults. */
  public record ActivitySettings(Duration startToClose, Duration heartbeat, Integer maxAttempts,
                                 Duration initialInterval, Duration maxInterval) {
    /** These settings, with {@code fallback}'s where a field is unset. */
    public ActivitySettings orElse(ActivitySettings fallback) {
      return new ActivitySettings(or(startToClose, fallback.startToClose), or(heartbeat, fallback.heartbeat),
          or(maxAttempts, fallback.maxAttempts), or(initialInterval, fallback.initialInterval),
          or(maxInterval, fallback.maxInterval));
    }

    private static <T> T or(T value, T fallback) {
      return value != null ? value : fallback;
    }
  }

  /**
   * Fault injection for crash tests only: {@code kill} lists {@code before|after|heartbeat:<ActivityType>}
   * rules at which this worker SIGKILLs itself (see {@code KillSwitch}). Empty by default.
   */
  public record Faults(List<String> kill) {}
}
