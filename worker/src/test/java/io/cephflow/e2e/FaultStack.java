package io.cephflow.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The one worker and API the fault ITs share (a stack starts in ~20 s; they run in one JVM): over
 * the private cluster and libvirtd of {@link FaultCluster}, the scratch area on the small file
 * system dev/faults-test.sh mounts, and the worker's own retry defaults (10 attempts from 1 s)
 * rather than the quick-failing ones of the other ITs, so that a fault of a minute is retried
 * through. Closed when the JVM exits.
 */
final class FaultStack {
  static final String SMALL_FS = "CEPHFLOW_FAULTS_SMALL_FS";
  private static FaultStack instance;
  final FaultCluster cluster;
  final String libvirtUri;

  /** Uploads may read local files here (the stack's source root). */
  final Path sources;

  /** Consoles and qemu's ceph.conf (under target/: qemu writes there). */
  final Path work;

  final Path smallFs;
  final CephflowStack stack;

  private FaultStack() throws Exception {
    cluster = FaultCluster.fromEnvironment();
    libvirtUri = cluster.libvirtUri();
    smallFs = Path.of(ServerIts.require(SMALL_FS, "dev/faults-test.sh"));
    sources = Files.createTempDirectory("cephflow-faults-sources-");
    work = Files.createDirectories(Path.of("target/faults").toAbsolutePath());
    List<String> args = new ArrayList<>(ServerIts.hypervisorArgs(work, libvirtUri));
    args.addAll(
        List.of(
            // the production default: a source paused by the test (GatedServer) must not look
            // stalled
            "--cephflow.sources.read-timeout=60s",
            "--cephflow.activities.defaults.max-attempts=10",
            "--cephflow.activities.defaults.initial-interval=1s",
            "--cephflow.intake.scratch-dir=" + smallFs.resolve("scratch"),
            // staging's own reserve off: the small file system fills for real, under the staging's
            // feet
            "--cephflow.intake.scratch-reserve=0B",
            "--cephflow.intake.scratch-reserve-percent=0"));
    stack = new CephflowStack(sources, args.toArray(new String[0]));
    Runtime.getRuntime().addShutdownHook(new Thread(this::close, "fault-stack-close"));
  }

  static synchronized FaultStack get() throws Exception {
    if (instance == null) instance = new FaultStack();
    return instance;
  }

  /**
   * The metric's value once it is above zero (the worker publishes within a second or so); 0 after
   * 30 s.
   */
  static double awaitMetric(CephflowStack stack, String metric, String... labels)
      throws InterruptedException {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
    double v = 0;
    while (System.nanoTime() < deadline && (v = stack.metric(metric, labels)) == 0)
      Thread.sleep(200);
    return v;
  }

  private void close() {
    stack.close();
    try (Stream<Path> walk = Files.walk(sources)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (Exception e) {
      // best effort at exit
    }
  }
}
