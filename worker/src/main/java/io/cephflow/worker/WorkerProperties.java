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

/**
 * {@code cephflow.*}: everything the worker needs, with defaults next to the field.
 *
 * @param limits {@code cephflow.limits.<class>}: per-class concurrency bounds (see {@link Limit})
 */
@Validated
@ConfigurationProperties("cephflow")
public record WorkerProperties(
    @DefaultValue Ceph ceph,
    @DefaultValue Temporal temporal,
    @DefaultValue Sources sources,
    @DefaultValue Activities activities,
    @DefaultValue Intake intake,
    @DefaultValue Worker worker,
    Map<String, Limit> limits) {

  public WorkerProperties {
    limits = limits == null ? Map.of() : Map.copyOf(limits);
  }

  /**
   * {@code cephflow.limits.<class>}: at most {@code permits} activities of the listed {@code types}
   * run at once on this worker; the rest queue (heartbeating) in arrival order. The classes and
   * their defaults (for a 2-core host) are in application.yml; see docs/operations.md, "Resource
   * bounds".
   */
  public record Limit(@Min(1) int permits, List<String> types) {
    public Limit {
      types = types == null ? List.of() : List.copyOf(types);
    }
  }

  /**
   * The cluster and the identity cephflow runs as.
   *
   * @param conf librados configuration
   * @param client cephx user (its caps: README)
   * @param keyring its keyring (ceph.conf's when unset); required with libvirt, whose secret holds
   *     the key
   * @param mountTimeout {@code client_mount_timeout} and {@code rados_mon_op_timeout}: how long a
   *     start waits for the monitors
   * @param osdOpTimeout {@code rados_osd_op_timeout}; 0: a call to a stuck OSD waits for it (a
   *     timeout can leave a flatten with data missing: docs/operations.md)
   * @param aioDepth writes in flight per image (2 MiB each)
   */
  public record Ceph(
      @DefaultValue("/etc/ceph/ceph.conf") Path conf,
      @DefaultValue("cephflow") String client,
      Path keyring,
      @DefaultValue("15s") Duration mountTimeout,
      @DefaultValue("0s") Duration osdOpTimeout,
      @DefaultValue("16") @Min(1) int aioDepth) {}

  /**
   * Where Temporal is and how to reach it (docs/operations.md, "Temporal TLS").
   *
   * @param target the Temporal frontend, {@code host:port}
   * @param namespace the Temporal namespace the flows run in
   * @param tls TLS to the frontend: {@code enabled}, {@code ca-file}, {@code cert-file} and {@code
   *     key-file} (mTLS), {@code server-name}
   * @param apiKey an API key (Temporal Cloud), sent only over TLS
   * @param apiKeyFile a file holding the API key, read again when it changes
   */
  public record Temporal(
      @DefaultValue("127.0.0.1:7233") String target,
      @DefaultValue("default") String namespace,
      @DefaultValue TemporalConnection.Tls tls,
      String apiKey,
      Path apiKeyFile) {
    public TemporalConnection connection() {
      return new TemporalConnection(target, namespace, tls, apiKey, apiKeyFile);
    }
  }

  /**
   * The worker process.
   *
   * @param shutdownGrace on SIGTERM the workers stop polling and running activities get this long
   *     to finish (heartbeating meanwhile); what still runs then is interrupted and Temporal
   *     retries it elsewhere; keep the pod's termination grace period above it
   * @param activitySlots activity executions each task queue's worker takes at once; those of a
   *     bounded class waiting for a slot ({@code cephflow.limits}) hold one, so keep it well above
   *     the sum of the limits
   * @param stickySchedule how long a workflow task waits on this worker's sticky queue before any
   *     worker takes it; 0 turns the cache's use off (every task replays the whole history: needed
   *     with Temporal's Java test server); against a real server a few seconds saves the replays
   */
  public record Worker(
      @DefaultValue("30s") Duration shutdownGrace,
      @DefaultValue("32") @Min(1) int activitySlots,
      @DefaultValue("0s") Duration stickySchedule) {}

  /**
   * Where image sources may come from.
   *
   * @param localRoots the only directories local sources may be read from
   * @param allowLoopback HTTP sources on 127.0.0.0/8 and ::1 (the dev stack allows them)
   * @param allowPrivateNetworks HTTP sources on RFC 1918 and ULA addresses
   * @param maxSize the largest source
   * @param connectTimeout an HTTP source's connect timeout
   * @param readTimeout an HTTP source's idle time between bytes
   * @param maxRedirects redirects followed (each vetted again)
   */
  public record Sources(
      @DefaultValue("/var/lib/cephflow/incoming") List<Path> localRoots,
      @DefaultValue("false") boolean allowLoopback,
      @DefaultValue("false") boolean allowPrivateNetworks,
      @DefaultValue("1TB") org.springframework.util.unit.DataSize maxSize,
      @DefaultValue("10s") Duration connectTimeout,
      @DefaultValue("60s") Duration readTimeout,
      @DefaultValue("5") int maxRedirects) {}

  /**
   * Untrusted image intake.
   *
   * @param stateDir the worker's state: scratch area, qemu's ceph.conf
   * @param scratchDir staged uploads and exported images being converted (default {@code
   *     <state-dir>/scratch}); made 0700, only cephflow writes it
   * @param maxVirtualSize the largest guest-visible size an image may claim
   * @param scratchMaxAge scratch files not modified for this long are a dead worker's leftovers,
   *     removed at start and hourly
   * @param scratchReserve staging keeps the larger of this and {@code scratch-reserve-percent} free
   *     on the scratch file system; a source that would need more fails as too large
   * @param scratchReservePercent the share of the scratch file system staging keeps free
   */
  public record Intake(
      @DefaultValue("/var/lib/cephflow") Path stateDir,
      Path scratchDir,
      @DefaultValue("1TB") org.springframework.util.unit.DataSize maxVirtualSize,
      @DefaultValue("24h") Duration scratchMaxAge,
      @DefaultValue("1GB") org.springframework.util.unit.DataSize scratchReserve,
      @DefaultValue("5") @Min(0) @Max(100) int scratchReservePercent) {
    public Path scratch() {
      return scratchDir != null ? scratchDir : stateDir.resolve("scratch");
    }
  }

  /**
   * Activity options.
   *
   * @param defaults timeouts and retries of every activity type
   * @param types {@code types.<ActivityType>} (e.g. {@code WriteFromSource}) overrides one, field
   *     by field; a type no flow has fails the start
   * @param hostScheduleToStart how long a step routed to one host's queue (libvirt calls, steps on
   *     a staged file) waits for a worker of that host to take it; then the flow compensates and
   *     fails with {@code HostUnavailable} (a host whose worker died for good, or an unknown host);
   *     keep it above the time a worker takes to restart
   */
  public record Activities(
      @DefaultValue ActivitySettings defaults,
      Map<String, ActivitySettings> types,
      @DefaultValue("2m") Duration hostScheduleToStart) {
    public Activities {
      types = types == null ? Map.of() : Map.copyOf(types);
    }
  }

  /**
   * Timeouts and retries of one activity type; unset fields fall back to the defaults.
   *
   * @param startToClose one attempt's limit (default 5 min; 12 h for the long activities)
   * @param heartbeat heartbeat timeout (the long activities: 20 s)
   * @param maxAttempts attempts before the step fails (default 10)
   * @param initialInterval first retry's delay (default 1 s)
   * @param maxInterval longest retry delay (default 1 min)
   */
  public record ActivitySettings(
      Duration startToClose,
      Duration heartbeat,
      Integer maxAttempts,
      Duration initialInterval,
      Duration maxInterval) {
    /** These settings, with {@code fallback}'s where a field is unset. */
    public ActivitySettings orElse(ActivitySettings fallback) {
      return new ActivitySettings(
          or(startToClose, fallback.startToClose),
          or(heartbeat, fallback.heartbeat),
          or(maxAttempts, fallback.maxAttempts),
          or(initialInterval, fallback.initialInterval),
          or(maxInterval, fallback.maxInterval));
    }

    private static <T> T or(T value, T fallback) {
      return value != null ? value : fallback;
    }
  }
}
