package io.cephflow.e2e;

import io.cephflow.fixture.TemporalEndpoint;
import io.cephflow.fixture.TestBackends;
import io.cephflow.worker.WorkerApplication;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The worker (with Temporal embedded, or against the tests' real Temporal when {@link TestBackends}
 * has one) and the REST API, each a real Spring Boot application in this JVM, over the tests' Ceph.
 */
final class CephflowStack implements AutoCloseable {
  /**
   * A worker started from the tests' classpath (here, and CrashHarness's processes) has the API's
   * Spring Security on it too, which the worker's own jar has not: kept off the worker.
   */
  static final String NO_API_SECURITY =
      "--spring.autoconfigure.exclude=org.springframework.boot.autoconfigure.security.servlet.SecurityAutoConfiguration,"
          + "org.springframework.boot.actuate.autoconfigure.security.servlet.ManagementWebSecurityAutoConfiguration,"
          + "org.springframework.boot.autoconfigure.security.servlet.UserDetailsServiceAutoConfiguration";

  final ConfigurableApplicationContext worker;

  /** The REST API, with an admin token of its own. */
  final StarterApi api;

  /**
   * The worker's private scratch area (staged uploads, conversions): must be empty between flows.
   */
  final Path scratchDir;

  CephflowStack(Path sourceRoot, String... extraWorkerArgs) {
    this(false, sourceRoot, extraWorkerArgs);
  }

  /**
   * A stack with a Temporal of its own (embedded, empty) whatever the environment says: as after
   * Temporal's retention dropped every history, over the same Ceph cluster.
   */
  static CephflowStack withEmptyTemporal(Path sourceRoot, String... extraWorkerArgs) {
    return new CephflowStack(true, sourceRoot, extraWorkerArgs);
  }

  private CephflowStack(boolean ownTemporal, Path sourceRoot, String... extraWorkerArgs) {
    try {
      String given =
          java.util.Arrays.stream(extraWorkerArgs)
              .filter(a -> key(a).equals("--cephflow.intake.scratch-dir"))
              .map(a -> a.substring(a.indexOf('=') + 1))
              .findFirst()
              .orElse(null);
      scratchDir =
          given != null
              ? Files.createDirectories(Path.of(given))
              : Files.createTempDirectory("cephflow-scratch-");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    TemporalEndpoint external = ownTemporal ? null : TestBackends.get().temporal().orElse(null);
    String namespace = external == null ? "default" : external.namespace();
    int port = freePort();
    String target = external != null ? external.target() : "127.0.0.1:" + port;
    // command-line arguments: builder properties are defaults that application.yml would override
    List<String> args =
        new ArrayList<>(
            List.of(
                "--server.port=0",
                "--cephflow.temporal.embedded=" + (external == null),
                "--cephflow.temporal.embedded-port=" + port,
                "--cephflow.temporal.target=" + target,
                "--cephflow.temporal.namespace=" + namespace,
                "--cephflow.sources.local-roots=" + sourceRoot,
                "--cephflow.sources.allow-loopback=true",
                "--cephflow.sources.read-timeout=3s",
                "--cephflow.activities.defaults.initial-interval=200ms",
                "--cephflow.activities.defaults.max-attempts=3",
                "--cephflow.intake.scratch-dir=" + scratchDir,
                "--cephflow.metrics.report-every=500ms",
                "--cephflow.libvirt.report-every=1s",
                NO_API_SECURITY));
    List<String> ceph = TestBackends.get().ceph().appArgs();
    args.addAll(ceph);
    // an extra argument replaces the default of the same key (Spring would join both with a comma)
    List<String> extra = List.of(extraWorkerArgs);
    args.removeIf(a -> extra.stream().anyMatch(x -> key(x).equals(key(a))));
    args.addAll(extra);
    worker = new SpringApplicationBuilder(WorkerApplication.class).run(args.toArray(new String[0]));
    api = new StarterApi(target, namespace, sourceRoot);
  }

  HttpResponse<String> post(String path, String json) {
    return api.post(path, json);
  }

  HttpResponse<String> delete(String path) {
    return api.delete(path);
  }

  HttpResponse<String> get(String path) {
    return api.get(path);
  }

  /** The worker's Prometheus scrape (its port has no auth). */
  String workerMetrics() {
    int port = ((WebServerApplicationContext) worker).getWebServer().getPort();
    var r =
        api.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/prometheus"))
                .GET()
                .build());
    if (r.statusCode() != 200)
      throw new AssertionError("worker scrape: HTTP " + r.statusCode() + " " + r.body());
    return r.body();
  }

  /**
   * The sum of every sample of {@code metric} whose labels include all of {@code labels} ({@code
   * k="v"}).
   */
  double metric(String metric, String... labels) {
    double sum = 0;
    for (String line : workerMetrics().split("\n")) {
      if (!line.startsWith(metric + "{")) continue;
      String tags = line.substring(metric.length(), line.lastIndexOf('}') + 1);
      if (java.util.Arrays.stream(labels).allMatch(tags::contains)) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  /** Polls the operation until it is no longer RUNNING; returns the last body. */
  String await(String operationPath, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      String body = get(operationPath).body();
      if (!body.contains("\"status\":\"RUNNING\"")) return body;
      if (System.nanoTime() > deadline)
        throw new AssertionError("still running after " + timeout + ": " + body);
      Thread.sleep(250);
    }
  }

  private static String key(String arg) {
    int eq = arg.indexOf('=');
    return eq < 0 ? arg : arg.substring(0, eq);
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** What is in the scratch area now (file names). */
  List<String> scratchFiles() {
    try (Stream<Path> s = Files.list(scratchDir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    api.close();
    worker.close();
    try (Stream<Path> s = Files.list(scratchDir)) {
      s.forEach(p -> p.toFile().delete());
      Files.deleteIfExists(scratchDir);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Waits (a minute at most) until the operation at {@code op} (a path) reports {@code step}. */
  void awaitStep(String op, String step) throws InterruptedException {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(1);
    String body = "";
    while (System.nanoTime() < deadline) {
      body = get(op).body();
      if (body.contains("\"step\":\"" + step + "\"")) return;
      Thread.sleep(100);
    }
    throw new AssertionError(op + " never reached step " + step + ": " + body);
  }

  /**
   * Waits (a minute at most) until no client has {@code image} open (rbd status lists no watcher).
   */
  static void awaitNoWatchers(String image) throws InterruptedException {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(1);
    String status = "";
    while (System.nanoTime() < deadline) {
      status = io.cephflow.ceph.CephTestCluster.rbdCli("status", image);
      if (!status.contains("watcher=")) return;
      Thread.sleep(250);
    }
    throw new AssertionError(image + " still has watchers: " + status);
  }
}
