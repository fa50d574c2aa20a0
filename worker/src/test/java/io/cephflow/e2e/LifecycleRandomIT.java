package io.cephflow.e2e;

import static io.cephflow.workflows.testing.IdPool.ids;
import static io.cephflow.workflows.testing.IdPool.pick;
import static io.cephflow.workflows.testing.IdPool.pickOrNew;
import static org.assertj.core.api.Assertions.assertThat;

import io.cephflow.workflows.common.RbdRef;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lifecycle on the real stack, at random: short sequences of REST requests (uploads, volumes,
 * snapshots, boots, deletes) over a few ids per kind that are reused and crossed, the same rules as
 * the model test checked after every request against what Ceph and libvirt really hold and against
 * the API's own reads. Each sequence then deletes what it made and must leave nothing. {@code
 * -Dcephflow.lifecycle.sequences=N} runs more (default 30 of 8 requests).
 */
class LifecycleRandomIT {
  static final int SEQUENCES = Integer.getInteger("cephflow.lifecycle.sequences", 30);
  static final java.util.Map<String, Integer> outcomes = new java.util.TreeMap<>();
  static final int STEPS = 8;
  @TempDir static Path dir;
  static CephflowStack stack;
  static String libvirtUri;
  static Path bootDisk;

  @BeforeAll
  static void start() throws Exception {
    libvirtUri = ServerIts.requireDevServices();
    stack =
        ServerIts.stack(dir, Path.of("target", "lifecycle-random-it").toAbsolutePath(), libvirtUri);
    bootDisk = ServerIts.bootDisk(dir, ServerIts.newTag(), 1 << 20);
  }

  @AfterAll
  static void stop() {
    if (stack != null) stack.close();
  }

  /**
   * A request, what a completed one may remove (name prefixes; {@code instance-<id>} for a domain).
   */
  record Step(String name, Supplier<HttpResponse<String>> send, Set<String> mayRemove) {}

  @Test
  void randomRequestsOverReusedIdsKeepTheRulesOnCephAndLibvirt() throws Exception {
    Random seeds = new Random(20261201L);
    for (int s = 0; s < SEQUENCES; s++) runSequence(seeds.nextLong());
    System.out.println(
        "lifecycle random IT: " + SEQUENCES + " sequences of " + STEPS + "; outcomes: " + outcomes);
    // real work was done, not only refusals: creates, boots and deletes completed
    for (String kind : List.of("upload", "volume", "snapshot", "boot", "delete")) {
      assertThat(
              outcomes.entrySet().stream()
                  .filter(
                      e -> e.getKey().startsWith(kind + " ") && e.getKey().endsWith("COMPLETED"))
                  .mapToInt(java.util.Map.Entry::getValue)
                  .sum())
          .as(kind + " completed in some sequence")
          .isPositive();
    }
  }

  private void runSequence(long seed) throws Exception {
    Random r = new Random(seed);
    List<String> images = ids(1);
    List<String> volumes = ids(2);
    List<String> snapshots = ids(1);
    List<String> servers = ids(2);
    List<String> log = new ArrayList<>();
    List<String> all = new ArrayList<>();
    try {
      for (int i = 0; i < STEPS; i++) {
        all.clear();
        for (List<String> l : List.of(images, volumes, snapshots, servers)) all.addAll(l);
        Step step = next(r, images, volumes, snapshots, servers);
        TreeSet<String> before = new TreeSet<>(ServerIts.leftovers(all, libvirtUri));
        String outcome = outcome(step.send().get());
        log.add(step.name() + " -> " + outcome);
        outcomes.merge(step.name().split(" ")[0] + " " + outcome.split(" ")[0], 1, Integer::sum);
        if (Boolean.getBoolean("cephflow.lifecycle.explain"))
          System.out.println("lifecycle step: " + log.get(log.size() - 1));
        String where = "seed " + seed + ":\n  " + String.join("\n  ", log);
        all.clear();
        for (List<String> l : List.of(images, volumes, snapshots, servers)) all.addAll(l);
        TreeSet<String> after = new TreeSet<>(ServerIts.leftovers(all, libvirtUri));
        boolean ok = outcome.equals("COMPLETED");
        for (String gone : before) {
          if (after.contains(gone)) continue;
          assertThat(ok && step.mayRemove().stream().anyMatch(gone::startsWith))
              .as(gone + " removed; " + where)
              .isTrue();
        }
        if (!ok) {
          TreeSet<String> added = new TreeSet<>(after);
          added.removeAll(before);
          assertThat(added)
              .as("a request that did not complete left " + added + "; " + where)
              .isEmpty();
        }
        readsAgree(images, volumes, servers, after, where);
        oneServerPerVolume(volumes, servers, after, where);
      }
    } finally {
      cleanUp(images, volumes, servers, seed);
    }
    all.clear();
    for (List<String> l : List.of(images, volumes, snapshots, servers)) all.addAll(l);
    assertThat(ServerIts.leftovers(all, libvirtUri))
        .as("after cleaning up sequence " + seed)
        .isEmpty();
  }

  private Step next(
      Random r,
      List<String> images,
      List<String> volumes,
      List<String> snapshots,
      List<String> servers) {
    // mostly what exists (so requests get far), sometimes anything (so ids collide and cross)
    String img = r.nextInt(4) == 0 ? pickOrNew(r, images) : pickLive(r, "images", images);
    String vol = pickOrNew(r, volumes);
    String[] live = liveSnapshot(r, volumes);
    boolean useLive = live != null && r.nextInt(4) != 0;
    if (useLive && !snapshots.contains(live[1])) snapshots.add(live[1]);
    String vol2 = useLive ? live[0] : pickLive(r, "volumes", volumes);
    String snap = useLive ? live[1] : pickOrNew(r, snapshots);
    String srv = r.nextInt(3) == 0 ? pickLive(r, "servers", servers) : pickOrNew(r, servers);
    int[] weights = {2, 0, 3, 3, 2, 2, 2, 2, 1, 1, 1};
    int pickStep = r.nextInt(java.util.Arrays.stream(weights).sum());
    int kind = 0;
    while (pickStep >= weights[kind]) pickStep -= weights[kind++];
    return switch (kind) {
      case 0, 1 ->
          new Step(
              "upload " + img,
              () ->
                  stack.post(
                      "/api/v1/images",
                      "{\"imageId\":\""
                          + img
                          + "\",\"name\":\"rnd\",\"source\":\""
                          + bootDisk
                          + "\",\"diskFormat\":\"raw\"}"),
              Set.of());
      case 2 ->
          new Step(
              "volume " + vol + " from image " + img,
              () ->
                  stack.post(
                      "/api/v1/volumes",
                      "{\"volumeId\":\"" + vol + "\",\"imageId\":\"" + img + "\"}"),
              Set.of());
      case 3 ->
          new Step(
              "snapshot " + snap + " of " + vol2,
              () ->
                  stack.post(
                      "/api/v1/volumes/" + vol2 + "/snapshots",
                      "{\"snapshotId\":\"" + snap + "\"}"),
              Set.of());
      case 4 ->
          new Step(
              "volume " + vol + " from " + vol2 + "@" + snap,
              () ->
                  stack.post(
                      "/api/v1/volumes",
                      "{\"volumeId\":\""
                          + vol
                          + "\",\"sourceVolumeId\":\""
                          + vol2
                          + "\",\"snapshotId\":\""
                          + snap
                          + "\"}"),
              Set.of());
      case 5 ->
          new Step(
              "boot " + srv + " from image " + img,
              () ->
                  stack.post(
                      "/api/v1/servers",
                      "{\"serverId\":\"" + srv + "\",\"imageId\":\"" + img + "\"}"),
              Set.of());
      case 6 ->
          new Step(
              "boot " + srv + " from volume " + vol2,
              () ->
                  stack.post(
                      "/api/v1/servers",
                      "{\"serverId\":\"" + srv + "\",\"volumeId\":\"" + vol2 + "\"}"),
              Set.of());
      case 7 ->
          new Step(
              "boot " + srv + " from " + vol2 + "@" + snap + " new " + vol,
              () ->
                  stack.post(
                      "/api/v1/servers",
                      "{\"serverId\":\""
                          + srv
                          + "\",\"volumeId\":\""
                          + vol2
                          + "\",\"snapshotId\":\""
                          + snap
                          + "\",\"newVolumeId\":\""
                          + vol
                          + "\"}"),
              Set.of());
      case 8 ->
          new Step(
              "delete image " + img,
              () -> stack.delete("/api/v1/images/" + img),
              Set.of("images/" + img));
      case 9 ->
          r.nextBoolean()
              ? new Step(
                  "delete volume " + vol2,
                  () -> stack.delete("/api/v1/volumes/" + vol2),
                  Set.of("volumes/volume-" + vol2))
              : new Step(
                  "delete snapshot " + vol2 + "@" + snap,
                  () -> stack.delete("/api/v1/volumes/" + vol2 + "/snapshots/" + snap),
                  Set.of("volumes/volume-" + vol2 + "@snapshot-" + snap));
      default ->
          new Step(
              "delete server " + srv,
              () -> stack.delete("/api/v1/servers/" + srv + "?shutdownTimeoutSeconds=1"),
              Set.of("vms/" + srv + "_disk", "instance-" + srv));
    };
  }

  /**
   * Three times in four an id the API reads as existing ({@code kinds} is its path), when there is
   * one.
   */
  private static String pickLive(Random r, String kinds, List<String> ids) {
    List<String> live =
        ids.stream()
            .filter(id -> stack.get("/api/v1/" + kinds + "/" + id).statusCode() == 200)
            .toList();
    return !live.isEmpty() && r.nextInt(4) != 0 ? pick(r, live) : pick(r, ids);
  }

  /** A snapshot the API lists on one of {@code volumes}: {volume, snapshot}, or null. */
  private static String[] liveSnapshot(Random r, List<String> volumes) {
    List<String[]> found = new ArrayList<>();
    for (String v : volumes) {
      HttpResponse<String> got = stack.get("/api/v1/volumes/" + v + "/snapshots");
      if (got.statusCode() != 200) continue;
      java.util.regex.Matcher m =
          java.util.regex.Pattern.compile("\"id\":\"([0-9a-f-]{36})\"").matcher(got.body());
      while (m.find()) found.add(new String[] {v, m.group(1)});
    }
    return found.isEmpty() ? null : found.get(r.nextInt(found.size()));
  }

  /** COMPLETED, FAILED with its type, or refused at the door (4xx) with its type. */
  private static String outcome(HttpResponse<String> r) throws InterruptedException {
    if (r.statusCode() != 202) {
      assertThat(r.statusCode()).as(r.body()).isIn(400, 404, 409);
      return "REFUSED "
          + r.statusCode()
          + " "
          + r.body().replaceAll("(?s).*\"error\":\"([A-Za-z]+)\".*", "$1");
    }
    String body =
        stack.await(r.headers().firstValue("Location").orElseThrow(), Duration.ofMinutes(3));
    if (body.contains("\"status\":\"COMPLETED\"")) return "COMPLETED";
    return "FAILED " + body.replaceAll("(?s).*\"failure\":\\{\"type\":\"([A-Za-z]+)\".*", "$1");
  }

  /** What the API reads by id is what Ceph and libvirt hold. */
  private static void readsAgree(
      List<String> images,
      List<String> volumes,
      List<String> servers,
      Set<String> world,
      String where) {
    for (String id : images) {
      int status = stack.get("/api/v1/images/" + id).statusCode();
      assertThat(status)
          .as("GET image " + id + "; " + where)
          .isEqualTo(world.contains("images/" + id) ? 200 : 404);
    }
    for (String id : volumes) {
      int status = stack.get("/api/v1/volumes/" + id).statusCode();
      assertThat(status)
          .as("GET volume " + id + "; " + where)
          .isEqualTo(world.contains("volumes/volume-" + id) ? 200 : 404);
    }
    for (String id : servers) {
      boolean exists = world.contains("instance-" + id) || world.contains("vms/" + id + "_disk");
      assertThat(stack.get("/api/v1/servers/" + id).statusCode())
          .as("GET server " + id + "; " + where)
          .isEqualTo(exists ? 200 : 404);
    }
  }

  private static void oneServerPerVolume(
      List<String> volumes, List<String> servers, Set<String> world, String where) {
    for (String v : volumes) {
      List<String> on = new ArrayList<>();
      for (String s : servers) {
        if (world.contains("instance-" + s)
            && ServerIts.virsh(libvirtUri, "dumpxml", "instance-" + s)
                .contains("volumes/volume-" + v)) {
          on.add(s);
        }
      }
      assertThat(on)
          .as("servers with volume " + v + " as their disk; " + where)
          .hasSizeLessThanOrEqualTo(1);
    }
  }

  /** Through the API: servers, then volumes and images (flattening what depends on them). */
  private static void cleanUp(
      List<String> images, List<String> volumes, List<String> servers, long seed)
      throws InterruptedException {
    for (String s : servers)
      settle(stack.delete("/api/v1/servers/" + s + "?shutdownTimeoutSeconds=1"));
    for (int round = 0; round < 2; round++) {
      for (String v : volumes)
        settle(stack.delete("/api/v1/volumes/" + v + "?flattenDependents=true"));
      for (String i : images)
        settle(stack.delete("/api/v1/images/" + i + "?flattenDependents=true"));
    }
    for (String s : servers) ServerIts.removeDomainQuietly(libvirtUri, s);
    for (String v : volumes) ServerIts.purgeQuietly(new RbdRef("volumes", "volume-" + v));
    for (String i : images) ServerIts.purgeQuietly(new RbdRef("images", i));
    for (String s : servers) ServerIts.purgeQuietly(new RbdRef("vms", s + "_disk"));
  }

  private static void settle(HttpResponse<String> r) throws InterruptedException {
    if (r.statusCode() == 202)
      stack.await(r.headers().firstValue("Location").orElseThrow(), Duration.ofMinutes(3));
  }
}
