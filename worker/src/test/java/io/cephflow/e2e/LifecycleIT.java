package io.cephflow.e2e;

import static io.cephflow.e2e.ServerIts.started;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.cephflow.ceph.CephTestCluster;
import io.cephflow.ceph.RecordStore;
import io.cephflow.ceph.librbd.RadosRecordStore;
import io.cephflow.workflows.common.RbdRef;
import io.temporal.client.WorkflowClient;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One id, one resource, for its whole life: each finding of the lifecycle issue as the exact
 * sequence of REST calls that showed it, on the real stack (worker, API, Temporal, the dev Ceph
 * cluster and libvirtd). The records are read straight from Ceph to check what they say.
 */
class LifecycleIT {
  @TempDir static Path dir;
  static CephflowStack stack;
  static String libvirtUri;
  static Path consoleDir;
  static RecordStore records;
  static final List<String> ids = new ArrayList<>();
  static final List<String> servers = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    libvirtUri = ServerIts.requireDevServices();
    Path work = Path.of("target", "lifecycle-it").toAbsolutePath();
    consoleDir = ServerIts.consoleDir(work);
    stack = ServerIts.stack(dir, work, libvirtUri);
    records = new RadosRecordStore(CephTestCluster.cluster());
  }

  /** Where this test's ids start in {@link #ids}. */
  private int firstId;

  @org.junit.jupiter.api.BeforeEach
  void markIds() {
    firstId = ids.size();
  }

  @AfterAll
  static void stop() {
    for (String s : servers) {
      ServerIts.removeDomainQuietly(libvirtUri, s);
      ServerIts.purgeQuietly(new RbdRef("vms", s + "_disk"));
    }
    for (int i = ids.size() - 1; i >= 0; i--) {
      ServerIts.purgeQuietly(new RbdRef("volumes", "volume-" + ids.get(i)));
      ServerIts.purgeQuietly(new RbdRef("images", ids.get(i)));
    }
    if (stack != null) stack.close();
  }

  /** Finding 1: a delete of an id that did not exist yet must not block that id's later life. */
  @Test
  void aDeleteBeforeTheCreateIsNotFoundAndTheImageCanStillBeDeleted() throws Exception {
    String id = newId();
    refused(stack.delete("/api/v1/images/" + id), 404, "NotFound");
    upload(id, "first");
    assertThat(imageExists(id)).isTrue();
    done(stack.delete("/api/v1/images/" + id));
    assertThat(imageExists(id)).isFalse();
    assertThat(record("image", id)).contains("\"state\":\"DELETED\"");
    // and again: the delete has completed, so there is nothing to delete
    refused(stack.delete("/api/v1/images/" + id), 404, "NotFound");
  }

  /** Finding 2: a create with the id of a deleted image is refused, never a stale COMPLETED. */
  @Test
  void aCreateWithTheIdOfADeletedImageIsAConflict() throws Exception {
    String id = newId();
    String body = upload(id, "once");
    done(stack.delete("/api/v1/images/" + id));
    String reason = refused(stack.post("/api/v1/images", body), 409, "Conflict");
    assertThat(reason).contains("deleted").contains("never reused");
    assertThat(imageExists(id)).isFalse();
  }

  /**
   * Finding 3: a different request naming an id in use is a 409 naming the operation; the same one
   * attaches.
   */
  @Test
  void aDifferentRequestUnderAnIdInUseIsAConflictAndTheSameOneAttaches() throws Exception {
    String id = newId();
    String body = upload(id, "one-name");
    HttpResponse<String> same = stack.post("/api/v1/images", body);
    assertThat(same.statusCode()).as(same.body()).isEqualTo(202);
    assertThat(same.headers().firstValue("Location"))
        .contains("/api/v1/operations/image-upload-" + id);
    String other = body.replace("one-name", "another-name");
    assertThat(refused(stack.post("/api/v1/images", other), 409, "Conflict"))
        .contains("image-upload-" + id);
    assertThat(CephTestCluster.rbdCli("image-meta", "get", "images/" + id, "cephflow.name").strip())
        .isEqualTo("one-name");

    // a snapshot id reused on a different volume
    String v1 = volumeFromImage(id);
    String v2 = volumeFromImage(id);
    String snap = newId();
    done(stack.post("/api/v1/volumes/" + v1 + "/snapshots", "{\"snapshotId\":\"" + snap + "\"}"));
    refused(
        stack.post("/api/v1/volumes/" + v2 + "/snapshots", "{\"snapshotId\":\"" + snap + "\"}"),
        409,
        "Conflict");
    assertThat(CephTestCluster.rbdCli("snap", "ls", "volumes/volume-" + v2)).doesNotContain(snap);
    // deleting it through the wrong volume finds nothing there, and leaves it
    refused(stack.delete("/api/v1/volumes/" + v2 + "/snapshots/" + snap), 404, "NotFound");
    assertThat(CephTestCluster.rbdCli("snap", "ls", "volumes/volume-" + v1))
        .contains("snapshot-" + snap);

    done(stack.delete("/api/v1/volumes/" + v1 + "/snapshots/" + snap));
    done(stack.delete("/api/v1/volumes/" + v1));
    done(stack.delete("/api/v1/volumes/" + v2));
    done(stack.delete("/api/v1/images/" + id));
  }

  /**
   * Finding 4 (data loss): a boot from a volume snapshot naming an existing volume as its new
   * volume is refused, and that volume, unrelated or the disk of a running server, is untouched.
   */
  @Test
  void aBootFromASnapshotNamingAnExistingVolumeNeverRemovesNorSharesIt() throws Exception {
    String[] ivs = bootableImageVolumeAndSnapshot();
    String image = ivs[0];
    String a = ivs[1];
    String snap = ivs[2];

    // V: an existing, unrelated volume
    String unrelated = volumeFromImage(image);
    String sha = ServerIts.exportSha256(dir, "volumes/volume-" + unrelated);
    String server = newServer();
    refused(
        stack.post(
            "/api/v1/servers",
            "{\"serverId\":\""
                + server
                + "\",\"volumeId\":\""
                + a
                + "\",\"snapshotId\":\""
                + snap
                + "\",\"newVolumeId\":\""
                + unrelated
                + "\"}"),
        409,
        "Conflict");
    assertThat(ServerIts.exportSha256(dir, "volumes/volume-" + unrelated)).isEqualTo(sha);
    assertThat(stack.get("/api/v1/operations/volume-create-" + unrelated).body())
        .contains("\"status\":\"COMPLETED\"");
    assertThat(record("volume", unrelated)).contains("\"state\":\"AVAILABLE\"");
    assertThat(ServerIts.virsh(libvirtUri, "list", "--all", "--name"))
        .doesNotContain("instance-" + server);

    // V: a clone of the same snapshot that is already the disk of a running server
    String first = newServer();
    String v = newId();
    assertThat(
            stack.await(
                started(
                    stack.post(
                        "/api/v1/servers",
                        "{\"serverId\":\""
                            + first
                            + "\",\"volumeId\":\""
                            + a
                            + "\",\"snapshotId\":\""
                            + snap
                            + "\",\"newVolumeId\":\""
                            + v
                            + "\"}")),
                Duration.ofMinutes(3)))
        .contains("\"status\":\"COMPLETED\"")
        .contains("\"volumeId\":\"" + v + "\"");
    assertThat(record("volume", v))
        .contains("\"state\":\"IN_USE\"")
        .contains("\"usedBy\":\"server:" + first + "\"");
    String second = newServer();
    HttpResponse<String> r =
        stack.post(
            "/api/v1/servers",
            "{\"serverId\":\""
                + second
                + "\",\"volumeId\":\""
                + a
                + "\",\"snapshotId\":\""
                + snap
                + "\",\"newVolumeId\":\""
                + v
                + "\"}");
    refused(r, 409, "Conflict");
    assertThat(ServerIts.virsh(libvirtUri, "list", "--all", "--name"))
        .doesNotContain("instance-" + second);
    assertThat(CephTestCluster.rbdCli("status", "volumes/volume-" + v))
        .containsOnlyOnce("watcher=");

    // and booting another server straight from V is refused at once, naming the server that has it
    String third = newServer();
    assertThat(
            refused(
                stack.post(
                    "/api/v1/servers",
                    "{\"serverId\":\"" + third + "\",\"volumeId\":\"" + v + "\"}"),
                409,
                "InUse"))
        .contains("server:" + first);
    assertThat(ServerIts.virsh(libvirtUri, "list", "--all", "--name"))
        .doesNotContain("instance-" + third);

    // Finding 5: deleting the volume a running server boots from is refused at once, naming the
    // server
    assertThat(refused(stack.delete("/api/v1/volumes/" + v), 409, "InUse"))
        .contains("server:" + first);
    assertThat(CephTestCluster.rbdCli("ls", "volumes")).contains("volume-" + v);

    // deleting the server frees the volume, which may then be deleted
    assertThat(done(stack.delete("/api/v1/servers/" + first + "?shutdownTimeoutSeconds=3")))
        .contains("\"volumeDetached\":\"" + v + "\"");
    assertThat(record("volume", v)).contains("\"state\":\"AVAILABLE\"");
    done(stack.delete("/api/v1/volumes/" + v));
    done(stack.delete("/api/v1/volumes/" + a + "?flattenDependents=true"));
    done(stack.delete("/api/v1/volumes/" + unrelated));
    done(stack.delete("/api/v1/images/" + image));
    assertThat(ServerIts.leftovers(ids.subList(firstId, ids.size()), libvirtUri)).isEmpty();
  }

  /**
   * Finding 6: the answers do not depend on what Temporal still holds (a stack with an empty
   * Temporal, same Ceph).
   */
  @Test
  void theRulesHoldWhenTemporalHasForgottenEverything() throws Exception {
    String kept = newId();
    String keptBody = upload(kept, "kept");
    String deleted = newId();
    String deletedBody = upload(deleted, "deleted");
    done(stack.delete("/api/v1/images/" + deleted));

    try (CephflowStack amnesiac = CephflowStack.withEmptyTemporal(dir)) {
      // the same request again cannot run a second time: the id is taken
      assertThat(refused(amnesiac.post("/api/v1/images", keptBody), 409, "Conflict"))
          .contains("already exists");
      assertThat(refused(amnesiac.post("/api/v1/images", deletedBody), 409, "Conflict"))
          .contains("never reused");
      refused(amnesiac.delete("/api/v1/images/" + deleted), 404, "NotFound");
      refused(amnesiac.delete("/api/v1/images/" + newId()), 404, "NotFound");
      // what exists can still be deleted
      HttpResponse<String> d = amnesiac.delete("/api/v1/images/" + kept);
      assertThat(amnesiac.await(started(d), Duration.ofMinutes(2)))
          .contains("\"status\":\"COMPLETED\"");
    }
    assertThat(imageExists(kept)).isFalse();
  }

  /**
   * Finding 7: a create terminated from Temporal (no compensation runs) leaves its image, but its
   * record names it, and a delete removes what it left.
   */
  @Test
  void whatATerminatedUploadLeftIsRecordedAndADeleteRemovesIt() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    http.createContext(
        "/slow.raw",
        ex -> {
          ex.sendResponseHeaders(200, 64L << 20);
          try (OutputStream out = ex.getResponseBody()) {
            out.write(new byte[4 << 20]);
            out.flush();
            release.await(2, TimeUnit.MINUTES); // stalls until the test has terminated the flow
          } catch (InterruptedException | java.io.IOException e) {
            // the client went away
          }
        });
    http.start();
    try {
      String id = newId();
      String op =
          started(
              stack.post(
                  "/api/v1/images",
                  "{\"imageId\":\""
                      + id
                      + "\",\"name\":\"slow\",\"source\":\""
                      + "http://127.0.0.1:"
                      + http.getAddress().getPort()
                      + "/slow.raw\"}"));
      stack.awaitStep(op, "write");
      WorkflowClient temporal = stack.worker.getBean(WorkflowClient.class);
      temporal.newUntypedWorkflowStub("image-upload-" + id).terminate("lifecycle test");
      assertThat(stack.await(op, Duration.ofMinutes(1))).contains("\"status\":\"TERMINATED\"");
      assertThat(imageExists(id)).as("a terminated flow runs no compensation").isTrue();
      assertThat(record("image", id))
          .contains("\"state\":\"CREATING\"")
          .contains("image-upload-" + id + "@");
      assertThat(CephTestCluster.rbdCli("image-meta", "get", "images/" + id, "cephflow.owner"))
          .startsWith("image-upload-" + id + "@");
      // the terminated write lets go of the image once its source read times out
      CephflowStack.awaitNoWatchers("images/" + id);

      done(stack.delete("/api/v1/images/" + id));
      assertThat(imageExists(id)).isFalse();
      assertThat(record("image", id)).contains("\"state\":\"DELETED\"");
    } finally {
      release.countDown();
      http.stop(0);
    }
  }

  /** Finding 8: what exists can be listed and read, from Ceph, and the listings agree with rbd. */
  @Test
  void listingsAndReadsShowWhatCephHolds() throws Exception {
    String[] ivs = bootableImageVolumeAndSnapshot();
    String image = ivs[0];
    String volume = ivs[1];
    String snap = ivs[2];
    String server = newServer();
    // no hypervisor named: placed on the host that reports room (this stack's worker, "local")
    HttpResponse<String> boot =
        stack.post(
            "/api/v1/servers", "{\"serverId\":\"" + server + "\",\"volumeId\":\"" + volume + "\"}");
    assertThat(boot.body()).contains("\"hypervisor\":\"local\"");
    done(boot);

    String img = ok(stack.get("/api/v1/images/" + image));
    assertThat(img)
        .contains("\"name\":\"boot-sector\"")
        .contains("\"state\":\"available\"")
        .contains("\"diskFormat\":\"raw\"")
        .contains("\"snapshotProtected\":true")
        .contains("\"children\":[\"volumes/volume-" + volume + "\"]")
        .contains("\"createdBy\":\"image-upload-" + image);
    assertThat(ok(stack.get("/api/v1/volumes/" + volume)))
        .contains("\"state\":\"in-use\"")
        .contains("\"usedBy\":\"server:" + server + "\"")
        .contains("\"parent\":\"images/" + image + "@snap\"")
        .contains("\"snapshots\":[\"" + snap + "\"]")
        .contains("\"madeFrom\":\"image:" + image + "\"");
    assertThat(ok(stack.get("/api/v1/volumes/" + volume + "/snapshots")))
        .contains("\"id\":\"" + snap + "\"")
        .contains("\"isProtected\":true");
    assertThat(ok(stack.get("/api/v1/volumes/" + volume + "/snapshots/" + snap)))
        .contains("\"volumeId\":\"" + volume);
    assertThat(ok(stack.get("/api/v1/servers/" + server)))
        .contains("\"volumeId\":\"" + volume + "\"")
        .contains("\"state\":\"available\"");
    // the host and the domain's state, from the host's report (written every second here)
    assertThat(
            eventually(
                () -> ok(stack.get("/api/v1/servers/" + server)),
                b -> b.contains("\"domainState\":\"running\"")))
        .contains("\"host\":\"local\"")
        .contains("\"hostReportedAt\":\"");
    assertThat(ok(stack.get("/api/v1/hypervisors"))).contains("\"host\":\"local\",\"alive\":true");
    assertThat(ok(stack.get("/api/v1/images?name=boot-sector&limit=1000"))).contains(image);
    assertThat(ok(stack.get("/api/v1/volumes?state=in-use&limit=1000"))).contains(volume);
    assertThat(ok(stack.get("/api/v1/volumes?state=available&limit=1000"))).doesNotContain(volume);

    // every image rbd lists in the three pools is in the listings, page by page
    assertThat(listedIds("/api/v1/images")).containsAll(uuidNames("images", "", ""));
    assertThat(listedIds("/api/v1/volumes")).containsAll(uuidNames("volumes", "volume-", ""));
    assertThat(listedIds("/api/v1/servers")).containsAll(uuidNames("vms", "", "_disk"));

    // deleted: gone from the reads
    done(stack.delete("/api/v1/servers/" + server + "?shutdownTimeoutSeconds=3"));
    assertThat(ok(stack.get("/api/v1/volumes/" + volume))).contains("\"state\":\"available\"");
    assertThat(stack.get("/api/v1/servers/" + server).statusCode()).isEqualTo(404);
    done(stack.delete("/api/v1/volumes/" + volume));
    done(stack.delete("/api/v1/images/" + image));
    assertThat(stack.get("/api/v1/images/" + image).statusCode()).isEqualTo(404);
    assertThat(stack.get("/api/v1/volumes/" + volume).statusCode()).isEqualTo(404);
    assertThat(stack.get("/api/v1/volumes/" + volume + "/snapshots/" + snap).statusCode())
        .isEqualTo(404);
    assertThat(ok(stack.get("/api/v1/images?state=deleted&limit=1000"))).contains(image);
    assertThat(listedIds("/api/v1/images")).doesNotContain(image);
    // bad paging input is a 400
    assertThat(stack.get("/api/v1/images?limit=0").statusCode()).isEqualTo(200);
    assertThat(stack.get("/api/v1/images?limit=5000").statusCode()).isEqualTo(400);
    assertThat(stack.get("/api/v1/images?pageToken=garbage").statusCode()).isEqualTo(400);
    assertThat(stack.get("/api/v1/images?state=sleeping").statusCode()).isEqualTo(400);
    assertThat(stack.get("/api/v1/images/not-a-uuid").statusCode()).isEqualTo(400);
  }

  // --- helpers

  /**
   * The first answer that satisfies {@code done}, read every 250 ms for up to 20 s (then the last
   * one).
   */
  private static String eventually(
      java.util.function.Supplier<String> read, java.util.function.Predicate<String> done)
      throws InterruptedException {
    String last = read.get();
    for (int i = 0; i < 80 && !done.test(last); i++) {
      Thread.sleep(250);
      last = read.get();
    }
    return last;
  }

  private static String ok(HttpResponse<String> r) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return r.body();
  }

  /** Every id of a listing, following its page tokens with small pages. */
  private static List<String> listedIds(String path) {
    List<String> out = new ArrayList<>();
    String token = null;
    for (int pages = 0; pages < 10_000; pages++) {
      String body = ok(stack.get(path + "?limit=7" + (token == null ? "" : "&pageToken=" + token)));
      java.util.regex.Matcher m =
          java.util.regex.Pattern.compile("\"id\":\"([0-9a-f-]{36})\"").matcher(body);
      while (m.find()) out.add(m.group(1));
      java.util.regex.Matcher t =
          java.util.regex.Pattern.compile("\"nextPageToken\":\"([^\"]+)\"").matcher(body);
      if (!t.find()) return out;
      token = t.group(1);
    }
    throw new AssertionError("the listing of " + path + " never ended");
  }

  /** The ids in a pool's rbd listing of names {@code prefix<uuid>suffix}. */
  private static List<String> uuidNames(String pool, String prefix, String suffix) {
    List<String> out = new ArrayList<>();
    for (String name : CephTestCluster.rbdCli("ls", pool).split("\n")) {
      String n = name.strip();
      if (!n.startsWith(prefix) || !n.endsWith(suffix)) continue;
      String id = n.substring(prefix.length(), n.length() - suffix.length());
      if (id.matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")) out.add(id);
    }
    return out;
  }

  private static String newId() {
    String id = UUID.randomUUID().toString();
    ids.add(id);
    return id;
  }

  private static String newServer() {
    String id = UUID.randomUUID().toString();
    servers.add(id);
    return id;
  }

  /** Uploads a small random raw image; returns the request body. */
  private static String upload(String id, String name) throws Exception {
    Path src = dir.resolve(id + ".raw");
    byte[] data = new byte[1 << 20];
    new Random(id.hashCode()).nextBytes(data);
    Files.write(src, data);
    String body =
        "{\"imageId\":\""
            + id
            + "\",\"name\":\""
            + name
            + "\",\"source\":\""
            + src
            + "\",\"diskFormat\":\"raw\"}";
    done(stack.post("/api/v1/images", body));
    return body;
  }

  /** A bootable image, a volume cloned from it and a snapshot of that volume: their ids. */
  private static String[] bootableImageVolumeAndSnapshot() throws Exception {
    String image = newId();
    ServerIts.uploadBootDisk(stack, dir, ServerIts.newTag(), image);
    String volume = volumeFromImage(image);
    String snap = newId();
    done(
        stack.post(
            "/api/v1/volumes/" + volume + "/snapshots", "{\"snapshotId\":\"" + snap + "\"}"));
    return new String[] {image, volume, snap};
  }

  private static String volumeFromImage(String imageId) throws Exception {
    String v = newId();
    done(
        stack.post(
            "/api/v1/volumes", "{\"volumeId\":\"" + v + "\",\"imageId\":\"" + imageId + "\"}"));
    return v;
  }

  private static String done(HttpResponse<String> r) throws InterruptedException {
    String body = stack.await(started(r), Duration.ofMinutes(3));
    assertThat(body).as(body).contains("\"status\":\"COMPLETED\"");
    return body;
  }

  /** Refused at the door with {@code status} and {@code type}; returns the reason. */
  private static String refused(HttpResponse<String> r, int status, String type) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.body()).contains("\"error\":\"" + type + "\"");
    return r.body();
  }

  private static boolean imageExists(String id) {
    return CephTestCluster.rbd().images().exists(new RbdRef("images", id));
  }

  private static String record(String kind, String id) {
    String pool =
        switch (kind) {
          case "image" -> "images";
          case "server" -> "vms";
          default -> "volumes";
        };
    return records.read(pool, kind + "." + id).orElse("(no record)");
  }
}
