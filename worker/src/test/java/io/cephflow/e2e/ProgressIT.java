package io.cephflow.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.cephflow.ceph.CephTestCluster;
import io.cephflow.e2e.ProgressSampler.Run;
import io.cephflow.e2e.ProgressSampler.StepFigures;
import io.cephflow.workflows.common.RbdRef;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Progress read through the REST API every ~100 ms while the long steps of real flows move 512 MiB
 * of random data on the dev Ceph cluster: a qcow2 upload (fetch, write), a boot from it (the export
 * to scratch and the conversion), an image from that server (flatten), a volume from a snapshot
 * with flatten=always, and a delete that flattens two dependent clones. Every sample must hold
 * {@link ProgressSampler}'s invariants; where a step's total is known, every total it shows is that
 * size. Whether a value in flight (0 &lt; done &lt; total) was seen is printed, not asserted: on a
 * fast machine a step can end between two heartbeats. Needs dev/ceph.sh and dev/libvirt.sh up.
 */
class ProgressIT {
  private static final long MiB = 1 << 20;

  /** The boot sector and its tag (1 MiB), then 512 MiB of random bytes. */
  private static final long VIRTUAL_SIZE = 513 * MiB;

  private static final Duration FLOW = Duration.ofMinutes(3);

  @TempDir static Path dir;
  static CephflowStack stack;
  static String libvirtUri;
  static final List<String> ids = new ArrayList<>();
  static final Map<String, String> seen = new TreeMap<>();

  @BeforeAll
  static void start() throws Exception {
    libvirtUri = ServerIts.requireDevServices();
    stack = ServerIts.stack(dir, Path.of("target", "progress-it").toAbsolutePath(), libvirtUri);
  }

  @AfterAll
  static void stop() {
    // whatever a failed assertion left: the domain first (it holds its disk), then images
    for (String id : ids) ServerIts.removeDomainQuietly(libvirtUri, id);
    if (libvirtUri != null) {
      for (String left : ServerIts.leftovers(ids, libvirtUri)) {
        int slash = left.indexOf('/');
        if (slash > 0 && !left.contains("@")) {
          ServerIts.purgeQuietly(new RbdRef(left.substring(0, slash), left.substring(slash + 1)));
        }
      }
    }
    if (stack != null) stack.close();
  }

  @Test
  void everyLongStepShowsTruthfulBytesWhileItRuns() throws Exception {
    Path qcow2 = randomQcow2();
    long stored = Files.size(qcow2);

    // 1. upload: staged (fetch), inspected, written as it is stored
    String imageA = ServerIts.newId(ids);
    Run upload =
        run(
            stack.post(
                "/api/v1/images",
                "{\"imageId\":\""
                    + imageA
                    + "\",\"name\":\"progress\","
                    + "\"source\":\""
                    + qcow2
                    + "\",\"diskFormat\":\"qcow2\"}"),
            stored);
    totalsAre(upload, "fetch", stored);
    totalsAre(upload, "write", stored);
    Files.delete(qcow2);

    // 2. boot from the qcow2 image: export to scratch, then decode into the server's disk
    String server = ServerIts.newId(ids);
    Run boot =
        run(
            stack.post(
                "/api/v1/servers",
                "{\"serverId\":\"" + server + "\",\"imageId\":\"" + imageA + "\"}"),
            VIRTUAL_SIZE);
    totalsAre(boot, "convert (export)", stored);
    totalsAre(boot, "convert", VIRTUAL_SIZE);
    // the conversion of 512 MiB takes seconds: sampled every 100 ms, it is always seen
    assertThat(boot.steps()).as("the conversion was seen").containsKey("convert");

    // 3. an image from the server: a clone of its disk, flattened
    String imageB = ServerIts.newId(ids);
    Run fromServer =
        run(
            stack.post(
                "/api/v1/servers/" + server + "/images",
                "{\"imageId\":\"" + imageB + "\",\"name\":\"progress-from-vm\"}"),
            VIRTUAL_SIZE);
    totalsAre(fromServer, "flatten", VIRTUAL_SIZE);

    // 4. a volume from a snapshot, flattened: its data comes through two parents
    String v1 = ServerIts.newId(ids);
    Run clone =
        run(
            stack.post(
                "/api/v1/volumes", "{\"volumeId\":\"" + v1 + "\",\"imageId\":\"" + imageB + "\"}"),
            VIRTUAL_SIZE);
    // a clone takes ~0.15 s: it may end between two samples, so its presence is not asserted (the
    // invariants hold for every sample that was taken: a clone never reports the full size done)
    String snap = UUID.randomUUID().toString();
    run(
        stack.post("/api/v1/volumes/" + v1 + "/snapshots", "{\"snapshotId\":\"" + snap + "\"}"),
        VIRTUAL_SIZE);
    String v2 = ServerIts.newId(ids);
    Run flattened =
        run(
            stack.post(
                "/api/v1/volumes",
                "{\"volumeId\":\""
                    + v2
                    + "\",\"sourceVolumeId\":\""
                    + v1
                    + "\",\"snapshotId\":\""
                    + snap
                    + "\",\"flatten\":\"always\"}"),
            VIRTUAL_SIZE);
    totalsAre(flattened, "flatten", VIRTUAL_SIZE);

    // 5. deleting the image flattens each clone of it, one after another
    String v3 = ServerIts.newId(ids);
    run(
        stack.post(
            "/api/v1/volumes", "{\"volumeId\":\"" + v3 + "\",\"imageId\":\"" + imageB + "\"}"),
        VIRTUAL_SIZE);
    run(stack.delete("/api/v1/servers/" + server + "?shutdownTimeoutSeconds=1"), VIRTUAL_SIZE);
    Run delete =
        run(stack.delete("/api/v1/images/" + imageB + "?flattenDependents=true"), VIRTUAL_SIZE);
    for (String v : List.of(v1, v3)) totalsAre(delete, "flatten volumes/volume-" + v, VIRTUAL_SIZE);

    for (String v : List.of(v2, v1, v3)) run(stack.delete("/api/v1/volumes/" + v), VIRTUAL_SIZE);
    run(stack.delete("/api/v1/images/" + imageA), VIRTUAL_SIZE);
    assertThat(ServerIts.leftovers(ids, libvirtUri))
        .as("images, snapshots and domains of this test")
        .isEmpty();
    System.out.println("progress IT: in flight (0 < done < total) seen per long step: " + seen);
  }

  /** Samples the operation that {@code started} began, to its end; it must end COMPLETED. */
  private static Run run(HttpResponse<String> started, long fullSize) throws Exception {
    Run r = ProgressSampler.sample(stack, ServerIts.started(started), fullSize, FLOW);
    r.print();
    assertThat(r.status()).as(r.operation()).isEqualTo("COMPLETED");
    return r;
  }

  /**
   * Every total the step showed is {@code size} (or -1 before its first figure); notes whether it
   * was seen in flight.
   */
  private static void totalsAre(Run r, String step, long size) {
    StepFigures f = r.step(step);
    String key =
        r.operation().replaceAll("-[0-9a-f]{8}-.*", "")
            + " / "
            + step.replaceAll("volume-[0-9a-f-]+", "V");
    if (f == null) {
      seen.merge(key, "not sampled", (a, b) -> a + ", " + b);
      return;
    }
    assertThat(f.totals).as(step + " in " + r.operation()).isSubsetOf(size, -1L);
    seen.merge(key, f.inFlight ? "yes" : "no", (a, b) -> a + ", " + b);
  }

  /**
   * A qcow2 file in the source root whose raw view is the boot-sector disk of ServerIts (so the
   * server boots) followed by 512 MiB of random, incompressible bytes.
   */
  private static Path randomQcow2() throws Exception {
    Path raw = ServerIts.bootDisk(dir, ServerIts.newTag(), (int) MiB);
    Random random = new Random(13);
    byte[] chunk = new byte[(int) (4 * MiB)];
    try (OutputStream out = Files.newOutputStream(raw, StandardOpenOption.APPEND)) {
      for (long n = MiB; n < VIRTUAL_SIZE; n += chunk.length) {
        random.nextBytes(chunk);
        out.write(chunk);
      }
    }
    Path qcow2 = dir.resolve("progress.qcow2");
    CephTestCluster.run(
        List.of(
            "qemu-img", "convert", "-f", "raw", "-O", "qcow2", raw.toString(), qcow2.toString()));
    Files.delete(raw);
    return qcow2;
  }
}
