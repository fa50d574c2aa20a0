package io.cephflow.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.cephflow.ceph.CephTestCluster;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The private Ceph cluster and libvirtd of the fault tests (dev/faults-test.sh starts them with
 * dev/ceph.sh and dev/libvirt.sh under {@code CEPHFLOW_FAULTS_STATE}): their daemons, stopped and
 * started again by their own pid files. Refuses to act on any other cluster or daemon, so a fault
 * test can never stop the shared dev cluster.
 */
final class FaultCluster {
  static final String STATE = "CEPHFLOW_FAULTS_STATE";
  private final Path state;

  private FaultCluster(Path state) {
    this.state = state;
  }

  /** The cluster the tests run against, checked to be the private one. */
  static FaultCluster fromEnvironment() {
    Path state = Path.of(ServerIts.require(STATE, "dev/faults-test.sh"));
    Path conf = Path.of(ServerIts.require("CEPHFLOW_CEPH_CONF", "dev/faults-test.sh"));
    assertThat(conf)
        .as("the tests' Ceph must be the fault tests' own cluster, never the shared one")
        .isEqualTo(state.resolve("ceph/ceph.conf"));
    return new FaultCluster(state);
  }

  Path osdPidFile() {
    return state.resolve("ceph/run/osd.0.pid");
  }

  Path libvirtdPidFile() {
    return libvirtDir().resolve("libvirtd.pid");
  }

  Path libvirtDir() {
    return state.resolve("libvirt");
  }

  /** The libvirt URI of the private daemon (what CEPHFLOW_LIBVIRT_URI must be). */
  String libvirtUri() {
    String uri = ServerIts.require("CEPHFLOW_LIBVIRT_URI", "dev/faults-test.sh");
    assertThat(uri)
        .as("the tests' libvirtd must be the fault tests' own")
        .contains(libvirtDir().toString());
    return uri;
  }

  /**
   * SIGKILLs the process of {@code pidFile} (a crash: nothing flushed, no goodbye to the monitor).
   */
  static long kill(Path pidFile) throws Exception {
    long pid = Long.parseLong(Files.readString(pidFile).strip());
    ProcessHandle p =
        ProcessHandle.of(pid)
            .orElseThrow(() -> new AssertionError("no process " + pid + " (" + pidFile + ")"));
    p.destroyForcibly();
    p.onExit().get(30, TimeUnit.SECONDS);
    return pid;
  }

  /**
   * dev/ceph.sh up on the private state: starts what is not running (the OSD), waits for clean PGs.
   */
  void startCeph() throws Exception {
    script("ceph.sh", Map.of());
  }

  /**
   * dev/libvirt.sh up on the private directory: starts the daemon again (its guests kept running).
   */
  void startLibvirtd() throws Exception {
    script("libvirt.sh", Map.of("CEPHFLOW_LIBVIRT_DIR", libvirtDir().toString()));
  }

  private void script(String name, Map<String, String> env) throws Exception {
    Path log = Files.createTempFile("fault-" + name, ".log");
    ProcessBuilder b =
        new ProcessBuilder(List.of(repo().resolve("dev/" + name).toString(), "up"))
            .redirectErrorStream(true)
            .redirectOutput(new File(log.toString()));
    b.environment().put("CEPHFLOW_STATE", state.toString());
    b.environment().putAll(env);
    Process p = b.start();
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("dev/%s up: %s", name, log).isTrue();
    assertThat(p.exitValue()).as("dev/%s up: %s", name, Files.readString(log)).isZero();
    Files.delete(log);
  }

  private static Path repo() {
    Path here = Path.of("").toAbsolutePath();
    return Files.exists(here.resolve("dev/ceph.sh")) ? here : here.getParent();
  }

  /** Runs {@code cmd}, returns its output (fails on a non-zero exit). */
  static String run(String... cmd) {
    return CephTestCluster.run(List.of(cmd));
  }
}
