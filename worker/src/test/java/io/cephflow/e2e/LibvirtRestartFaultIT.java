package io.cephflow.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The fault tests' private libvirtd is killed (SIGKILL) during a boot and during a delete, and
 * started again 5 s later with dev/libvirt.sh (its guests keep running meanwhile). The boot must
 * end with one running domain (one qemu) that booted its disk; the delete must finish: no domain,
 * no disk, the record deleted. Runs only under dev/faults-test.sh ({@link FaultCluster}).
 */
@EnabledIfEnvironmentVariable(named = FaultCluster.STATE, matches = ".+")
class LibvirtRestartFaultIT {
  private static final Duration DOWN = Duration.ofSeconds(5);
  static Path dir;
  static FaultCluster cluster;
  static String uri;
  static Path work;
  static CephflowStack stack;

  @BeforeAll
  static void start() throws Exception {
    FaultStack faults = FaultStack.get();
    cluster = faults.cluster;
    uri = faults.libvirtUri;
    work = faults.work;
    dir = faults.sources;
    stack = faults.stack;
  }

  private static final List<String> ids = new java.util.ArrayList<>();

  /**
   * A failed run must not leave its guest or images for the next one: removed, whatever happened.
   */
  @AfterAll
  static void stop() {
    for (String id : ids) ServerIts.removeDomainQuietly(uri, id);
    for (String left : ServerIts.leftovers(ids, uri)) {
      if (left.contains("/") && !left.contains("@")) {
        String[] poolImage = left.split("/", 2);
        ServerIts.purgeQuietly(new io.cephflow.workflows.common.RbdRef(poolImage[0], poolImage[1]));
      }
    }
  }

  @Test
  void aBootAndADeleteOutliveALibvirtdRestart() throws Exception {
    TreeSet<String> before = ServerIts.world(uri);
    byte[] tag = ServerIts.newTag();
    String image = ServerIts.newId(ids);
    ServerIts.uploadBootDisk(stack, dir, tag, image);
    String server = ServerIts.newId(ids);

    String boot =
        ServerIts.started(
            stack.post(
                "/api/v1/servers",
                "{\"serverId\":\""
                    + server
                    + "\",\"imageId\":\""
                    + image
                    + "\",\"hypervisor\":\"local\"}"));
    awaitStep(boot, "ensure-secret"); // the first libvirt step
    restartLibvirtd();
    String booted = stack.await(boot, Duration.ofMinutes(3));
    assertThat(booted).as(booted).contains("\"status\":\"COMPLETED\"");
    ServerIts.awaitConsole(ServerIts.consoleDir(work), server, ServerIts.bootOk(tag));
    assertThat(qemuProcesses(server)).as("qemu processes of instance-%s", server).isEqualTo(1);
    TreeSet<String> expected = new TreeSet<>(before);
    expected.addAll(
        List.of(
            "images/" + image,
            "images/" + image + "@snap (protected)",
            "vms/" + server + "_disk",
            "domain instance-" + server + " running"));
    assertThat(ServerIts.world(uri)).as("pools and domains after the boot").isEqualTo(expected);

    String delete =
        ServerIts.started(stack.delete("/api/v1/servers/" + server + "?shutdownTimeoutSeconds=5"));
    // the boot-sector guest ignores the ACPI request: the delete waits in its shutdown step
    awaitStep(delete, "shutdown");
    restartLibvirtd();
    String deleted = stack.await(delete, Duration.ofMinutes(3));
    assertThat(deleted).as(deleted).contains("\"status\":\"COMPLETED\"");
    assertThat(qemuProcesses(server)).isZero();
    // the record is the tombstone: gone from reads, listed among the deleted
    assertThat(stack.get("/api/v1/servers/" + server).statusCode()).isEqualTo(404);
    assertThat(stack.get("/api/v1/servers?state=deleted").body()).contains(server);
    expected = new TreeSet<>(before);
    expected.addAll(List.of("images/" + image, "images/" + image + "@snap (protected)"));
    assertThat(ServerIts.world(uri)).as("pools and domains after the delete").isEqualTo(expected);

    HttpResponse<String> r = stack.delete("/api/v1/images/" + image);
    assertThat(stack.await(ServerIts.started(r), Duration.ofMinutes(2)))
        .contains("\"status\":\"COMPLETED\"");
    assertThat(ServerIts.world(uri)).isEqualTo(before);
  }

  /** Kills the private libvirtd, leaves it down for {@link #DOWN}, starts it again. */
  private static void restartLibvirtd() throws Exception {
    FaultCluster.kill(cluster.libvirtdPidFile());
    Thread.sleep(DOWN.toMillis());
    cluster.startLibvirtd();
  }

  private static void awaitStep(String op, String step) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
    String body = "";
    while (System.nanoTime() < deadline) {
      body = stack.get(op).body();
      if (body.contains("\"step\":\"" + step + "\"")) return;
      assertThat(body).as(op).contains("\"status\":\"RUNNING\"");
      Thread.sleep(20);
    }
    throw new AssertionError(op + " never reached step " + step + ": " + body);
  }

  /**
   * qemu processes running the server's domain (libvirt names the guest on qemu's command line).
   */
  private static long qemuProcesses(String server) {
    return ProcessHandle.allProcesses()
        .filter(
            p ->
                p.info()
                    .commandLine()
                    .map(c -> c.contains("qemu-system") && c.contains("guest=instance-" + server))
                    .orElse(false))
        .count();
  }
}
