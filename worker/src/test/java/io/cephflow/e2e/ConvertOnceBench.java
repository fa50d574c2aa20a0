package io.cephflow.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.cephflow.ceph.CephTestCluster;
import io.cephflow.workflows.common.RbdRef;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Benchmark, not a test (no *IT name: CI never runs it; bench/convert-once-bench.sh does): the boot
 * flow (POST to COMPLETED: claim, clone, provenance, define, start, running) from a raw image and,
 * for the same disk uploaded as qcow2, the first boot (converts into the image's raw copy) and the
 * later ones (clones of that copy). Prints each round and the medians; the ratio "second qcow2 boot
 * / raw boot" is the goal (≤ 1.2, issue 16). Sizes: -Dbench.mib (256), -Dbench.rounds (3).
 */
class ConvertOnceBench {
  @TempDir static Path dir;
  static CephflowStack stack;
  static String libvirtUri;
  static final List<String> servers = new ArrayList<>();
  static final List<String> images = new ArrayList<>();
  static final int MIB = Integer.getInteger("bench.mib", 256);
  static final int ROUNDS = Integer.getInteger("bench.rounds", 3);

  @BeforeAll
  static void start() throws Exception {
    libvirtUri = ServerIts.requireDevServices();
    stack =
        ServerIts.stack(dir, Path.of("target", "convert-once-bench").toAbsolutePath(), libvirtUri);
  }

  @AfterAll
  static void stop() {
    for (String s : servers) {
      ServerIts.removeDomainQuietly(libvirtUri, s);
      ServerIts.purgeQuietly(new RbdRef("vms", s + "_disk"));
    }
    for (String i : images) {
      ServerIts.purgeQuietly(new RbdRef("images", i + "_raw"));
      ServerIts.purgeQuietly(new RbdRef("images", i));
    }
    if (stack != null) stack.close();
  }

  @Test
  void secondBootFromQcow2AgainstBootFromRaw() throws Exception {
    Path raw = ServerIts.bootDisk(dir, ServerIts.newTag(), MIB << 20);
    Path qcow2 = dir.resolve("disk.qcow2");
    CephTestCluster.run(
        List.of(
            "qemu-img", "convert", "-f", "raw", "-O", "qcow2", raw.toString(), qcow2.toString()));
    System.out.printf(
        Locale.ROOT,
        "bench: %d MiB disk (random data after the first MiB), qcow2 file %d MiB, "
            + "%d rounds, load %s%n",
        MIB,
        qcow2.toFile().length() >> 20,
        ROUNDS,
        load());
    warmUp(raw);

    double[] rawBoot = new double[ROUNDS];
    double[] firstQcow2 = new double[ROUNDS];
    double[] secondQcow2 = new double[ROUNDS];
    for (int r = 0; r < ROUNDS; r++) {
      String rawImage = upload(raw, "raw");
      String qcowImage = upload(qcow2, "qcow2");
      // order rotated every round: neither path always runs on the warmer cluster
      if (r % 2 == 0) {
        rawBoot[r] = bootAndDelete(rawImage);
        firstQcow2[r] = bootAndDelete(qcowImage);
        secondQcow2[r] = bootAndDelete(qcowImage);
      } else {
        firstQcow2[r] = bootAndDelete(qcowImage);
        secondQcow2[r] = bootAndDelete(qcowImage);
        rawBoot[r] = bootAndDelete(rawImage);
      }
      System.out.printf(
          Locale.ROOT,
          "bench round %d: raw boot %.3f s, qcow2 first boot (converts) %.3f s, "
              + "qcow2 second boot (clone of images/<id>_raw) %.3f s%n",
          r + 1,
          rawBoot[r],
          firstQcow2[r],
          secondQcow2[r]);
      deleteImage(rawImage);
      deleteImage(qcowImage);
    }
    double raw50 = median(rawBoot);
    double second50 = median(secondQcow2);
    System.out.printf(
        Locale.ROOT,
        "bench median: raw boot %.3f s, qcow2 first boot %.3f s, qcow2 second boot %.3f s; "
            + "ratio second qcow2 / raw = %.2f (goal <= 1.2); load %s%n",
        raw50,
        median(firstQcow2),
        second50,
        second50 / raw50,
        load());
  }

  /** One untimed boot: the JIT, libvirt's qemu probe and the pools' first use are not measured. */
  private void warmUp(Path raw) throws Exception {
    String image = upload(raw, "raw");
    bootAndDelete(image);
    deleteImage(image);
  }

  private String upload(Path file, String format) throws Exception {
    String id = UUID.randomUUID().toString();
    images.add(id);
    completed(
        stack.post(
            "/api/v1/images",
            "{\"imageId\":\""
                + id
                + "\",\"name\":\"bench\",\"source\":\""
                + file
                + "\",\"diskFormat\":\""
                + format
                + "\"}"));
    return id;
  }

  /**
   * Seconds from the POST to the operation's COMPLETED (polled every 20 ms); then deletes the
   * server.
   */
  private double bootAndDelete(String image) throws Exception {
    String server = UUID.randomUUID().toString();
    servers.add(server);
    long t0 = System.nanoTime();
    completed(
        stack.post(
            "/api/v1/servers", "{\"serverId\":\"" + server + "\",\"imageId\":\"" + image + "\"}"));
    double seconds = (System.nanoTime() - t0) / 1e9;
    completed(stack.delete("/api/v1/servers/" + server + "?shutdownTimeoutSeconds=1"));
    return seconds;
  }

  private void deleteImage(String image) throws Exception {
    completed(stack.delete("/api/v1/images/" + image));
  }

  private static void completed(HttpResponse<String> r) throws InterruptedException {
    String op = ServerIts.started(r);
    long deadline = System.nanoTime() + 600_000_000_000L;
    while (true) {
      String body = stack.get(op).body();
      if (!body.contains("\"status\":\"RUNNING\"")) {
        assertThat(body).as(body).contains("\"status\":\"COMPLETED\"");
        return;
      }
      assertThat(System.nanoTime()).as("still running: " + body).isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  private static String load() {
    try {
      return java.nio.file.Files.readString(Path.of("/proc/loadavg")).split(" ", 4)[0];
    } catch (java.io.IOException e) {
      return "?";
    }
  }
}
