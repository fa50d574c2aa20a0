package io.cephflow.e2e;

import static io.cephflow.e2e.ServerIts.started;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.cephflow.ceph.CephTestCluster;
import io.cephflow.ceph.RecordJson;
import io.cephflow.ceph.RecordStore;
import io.cephflow.ceph.librbd.RadosRecordStore;
import io.cephflow.workflows.audit.AuditWorkflow;
import io.cephflow.workflows.common.RbdRef;
import io.cephflow.workflows.common.ResourceRecord;
import io.temporal.client.WorkflowClient;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.client.schedules.ScheduleClientOptions;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The leak auditor on the real stack: leftovers made for real (an upload terminated mid-write, an
 * RBD image nobody recorded, a record whose volume is gone, a volume in use by a server that never
 * existed, a libvirt domain and a scratch file no server or upload owns) beside an image and a
 * running server made by the flows. The audit names exactly the leftovers, the reap removes exactly
 * those, and a second audit is clean. Audits are scoped to this test's ids: the cluster and
 * libvirtd are shared.
 */
class AuditIT {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path dir;
  static CephflowStack stack;
  static String libvirtUri;
  static RecordStore records;
  static final List<String> ids = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    libvirtUri = ServerIts.requireDevServices();
    Path work = Path.of("target", "audit-it").toAbsolutePath();
    // no minimum age, so what this test just made can be reaped; the audits are scoped to its ids
    List<String> args = new ArrayList<>(ServerIts.hypervisorArgs(work, libvirtUri));
    args.add("--cephflow.audit.minimum-age=0s");
    stack = new CephflowStack(dir, args.toArray(new String[0]));
    records = new RadosRecordStore(CephTestCluster.cluster());
  }

  @AfterAll
  static void stop() {
    // clones before their parents: every server (domain, disk) first, then volumes, then images
    for (String id : ids) {
      ServerIts.removeDomainQuietly(libvirtUri, id);
      ServerIts.purgeQuietly(new RbdRef("vms", id + "_disk"));
    }
    for (String id : ids) ServerIts.purgeQuietly(new RbdRef("volumes", "volume-" + id));
    try {
      for (String line : CephTestCluster.rbdCli("trash", "ls", "volumes").split("\n")) {
        String[] f = line.strip().split("\\s+");
        if (f.length == 2 && ids.stream().anyMatch(f[1]::contains))
          CephTestCluster.rbdCli("trash", "rm", "volumes/" + f[0]);
      }
    } catch (RuntimeException e) {
      System.err.println("audit IT: trash cleanup: " + e.getMessage());
    }
    for (String id : ids) {
      ServerIts.purgeQuietly(new RbdRef("images", id));
      for (String kind : List.of("image", "volume", "server")) {
        String pool = ResourceRecord.pool(kind);
        records
            .read(pool, kind + "." + id)
            .ifPresent(v -> records.remove(pool, kind + "." + id, v));
      }
    }
    if (stack != null) stack.close();
  }

  static String newId() {
    String id = UUID.randomUUID().toString();
    ids.add(id);
    return id;
  }

  @Test
  void theAuditFindsExactlyTheLeftoversAndTheReapRemovesExactlyThose() throws Exception {
    // owned, made by the flows: an image and a server booted from it (domain, disk, console log)
    String image = newId();
    ServerIts.uploadBootDisk(stack, dir, ServerIts.newTag(), image);
    String server = newId();
    String boot =
        started(
            stack.post(
                "/api/v1/servers",
                "{\"serverId\":\"" + server + "\",\"imageId\":\"" + image + "\"}"));
    assertThat(stack.await(boot, Duration.ofMinutes(3))).contains("\"status\":\"COMPLETED\"");

    // leftovers, made for real
    String terminated = newId();
    terminateUploadMidWrite(terminated);
    String unrecorded = newId();
    CephTestCluster.rbdCli("create", "--size", "1M", "images/" + unrecorded);
    String dangling = newId();
    records.create(
        "volumes",
        "volume." + dangling,
        RecordJson.write(record("volume", dangling, ResourceRecord.State.AVAILABLE, null)));
    String stale = newId();
    CephTestCluster.rbdCli("create", "--size", "1M", "volumes/volume-" + stale);
    records.create(
        "volumes",
        "volume." + stale,
        RecordJson.write(
            record("volume", stale, ResourceRecord.State.IN_USE, "server:" + UUID.randomUUID())));
    String ghost = newId();
    Path xml = dir.resolve("ghost.xml");
    Files.writeString(
        xml,
        "<domain type='qemu'><name>instance-"
            + ghost
            + "</name><memory unit='MiB'>32</memory>"
            + "<os><type arch='x86_64'>hvm</type></os></domain>");
    ServerIts.virsh(libvirtUri, "define", xml.toString());
    String trashed = newId();
    CephTestCluster.rbdCli("create", "--size", "1M", "volumes/volume-" + trashed);
    CephTestCluster.rbdCli("trash", "mv", "volumes/volume-" + trashed);
    String trashId = trashId("volumes", "volume-" + trashed);
    String staged = newId();
    Files.write(stack.scratchDir.resolve("upload-" + staged), new byte[4096]);

    Map<String, String> leaks =
        new HashMap<>(
            Map.of(
                "images/" + terminated, "ORPHAN",
                "images/image." + terminated, "DANGLING_RECORD",
                "images/" + unrecorded, "ORPHAN",
                "volumes/volume." + dangling, "DANGLING_RECORD",
                "volumes/volume." + stale, "STALE_IN_USE",
                "instance-" + ghost, "ORPHAN",
                "upload-" + staged, "ORPHAN",
                "volumes/" + trashId, "ORPHAN"));
    // a raw upload over HTTP streams into RBD; were it staged, its scratch file is a leftover too
    if (Files.exists(stack.scratchDir.resolve("upload-" + terminated)))
      leaks.put("upload-" + terminated, "ORPHAN");

    JsonNode first = audit(false);
    assertThat(leaksOf(first)).isEqualTo(leaks);
    assertThat(categoryOf(first, "images/" + image)).isEqualTo("OWNED");
    assertThat(categoryOf(first, "images/" + image + "@snap")).isEqualTo("OWNED");
    assertThat(categoryOf(first, "vms/" + server + "_disk")).isEqualTo("OWNED");
    assertThat(categoryOf(first, "instance-" + server)).isEqualTo("OWNED");
    assertThat(categoryOf(first, "instance-" + server + ".log")).isEqualTo("OWNED");
    assertThat(categoryOf(first, "volumes/volume-" + stale)).isEqualTo("OWNED");
    JsonNode t = finding(first, "images/" + terminated);
    assertThat(t.path("operation").asText()).startsWith("image-upload-" + terminated + "@");
    assertThat(t.path("ageSeconds").isNumber()).isTrue();
    JsonNode trash = finding(first, "volumes/" + trashId);
    assertThat(trash.path("object").path("detail").asText())
        .as("the trashed image's name")
        .isEqualTo("volume-" + trashed);
    assertThat(trash.path("ageSeconds").asLong()).isBetween(0L, 600L);
    assertThat(first.path("findings").findValues("reaped")).allMatch(JsonNode::isNull);
    assertThat(CephTestCluster.rbd().images().exists(new RbdRef("images", unrecorded)))
        .as("a dry run")
        .isTrue();
    awaitMetric("orphan", v -> v > 0);

    JsonNode reap = audit(true);
    assertThat(leaksOf(reap)).isEqualTo(leaks);
    for (JsonNode f : reap.path("findings")) {
      String name = f.path("object").path("name").asText();
      if (f.path("category").asText().equals("OWNED")) {
        assertThat(f.path("reaped").isNull()).as(name).isTrue();
      } else {
        assertThat(f.path("reaped").asText())
            .as(name)
            .isIn("removed", "marked deleted", "detached (available)");
      }
    }
    assertThat(CephTestCluster.rbd().images().exists(new RbdRef("images", terminated))).isFalse();
    assertThat(CephTestCluster.rbd().images().exists(new RbdRef("images", unrecorded))).isFalse();
    assertThat(records.read("images", "image." + terminated).orElseThrow())
        .contains("\"state\":\"DELETED\"");
    assertThat(records.read("volumes", "volume." + dangling).orElseThrow())
        .contains("\"state\":\"DELETED\"");
    assertThat(records.read("volumes", "volume." + stale).orElseThrow())
        .contains("\"state\":\"AVAILABLE\"")
        .doesNotContain("\"usedBy\":\"server:");
    assertThat(ServerIts.virsh(libvirtUri, "list", "--all", "--name"))
        .doesNotContain("instance-" + ghost)
        .contains("instance-" + server);
    assertThat(stack.scratchFiles()).doesNotContain("upload-" + staged);
    assertThat(CephTestCluster.rbdCli("trash", "ls", "volumes")).doesNotContain(trashId);
    // owned things untouched
    assertThat(CephTestCluster.rbd().images().exists(new RbdRef("images", image))).isTrue();
    assertThat(CephTestCluster.rbd().images().exists(new RbdRef("vms", server + "_disk"))).isTrue();
    assertThat(CephTestCluster.rbd().images().exists(new RbdRef("volumes", "volume-" + stale)))
        .isTrue();
    assertThat(ServerIts.virsh(libvirtUri, "domstate", "instance-" + server)).contains("running");

    JsonNode again = audit(false);
    assertThat(leaksOf(again)).isEmpty();
    assertThat(categoryOf(again, "instance-" + server)).isEqualTo("OWNED");
    awaitMetric("orphan", v -> v == 0);
  }

  @Test
  void theScheduleIsMadeAtWorkerStartWhereTemporalHasSchedules() {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        System.getenv("CEPHFLOW_E2E_TEMPORAL") != null,
        "the embedded test server has no schedules");
    WorkflowClient temporal = stack.worker.getBean(WorkflowClient.class);
    var schedules =
        ScheduleClient.newInstance(
            temporal.getWorkflowServiceStubs(),
            ScheduleClientOptions.newBuilder()
                .setNamespace(temporal.getOptions().getNamespace())
                .build());
    var d = schedules.getHandle(AuditWorkflow.SCHEDULE_ID).describe();
    assertThat(d.getSchedule().getSpec().getIntervals())
        .singleElement()
        .satisfies(i -> assertThat(i.getEvery()).isEqualTo(Duration.ofHours(6)));
  }

  // --- helpers

  /** Starts an audit of this test's ids through REST, waits, returns its result. */
  static JsonNode audit(boolean reap) throws Exception {
    String body = "{\"reap\":" + reap + ",\"resourceIds\":" + JSON.writeValueAsString(ids) + "}";
    var r = stack.post("/api/v1/audits", body);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    String id = JSON.readTree(r.body()).path("auditId").asText();
    stack.await("/api/v1/operations/" + id, Duration.ofMinutes(2));
    var shown = stack.get("/api/v1/audits/" + id);
    assertThat(shown.statusCode()).as(shown.body()).isEqualTo(200);
    JsonNode op = JSON.readTree(shown.body());
    assertThat(op.path("status").asText()).as(shown.body()).isEqualTo("COMPLETED");
    assertThat(op.path("result").path("unreachableHosts")).isEmpty();
    return op.path("result");
  }

  /**
   * The trash id of the image {@code name} moved to the pool's trash ({@code rbd trash ls}: "id
   * name" lines).
   */
  static String trashId(String pool, String name) {
    for (String line : CephTestCluster.rbdCli("trash", "ls", pool).split("\n")) {
      String[] f = line.strip().split("\\s+");
      if (f.length == 2 && f[1].equals(name)) return f[0];
    }
    throw new AssertionError(name + " is not in the trash of " + pool);
  }

  static Map<String, String> leaksOf(JsonNode result) {
    Map<String, String> out = new HashMap<>();
    for (JsonNode f : result.path("findings")) {
      if (!f.path("category").asText().equals("OWNED")) {
        out.put(f.path("object").path("name").asText(), f.path("category").asText());
      }
    }
    return out;
  }

  static JsonNode finding(JsonNode result, String name) {
    for (JsonNode f : result.path("findings")) {
      if (f.path("object").path("name").asText().equals(name)) return f;
    }
    throw new AssertionError("no finding for " + name + " in " + result);
  }

  static String categoryOf(JsonNode result, String name) {
    return finding(result, name).path("category").asText();
  }

  static ResourceRecord record(String kind, String id, ResourceRecord.State state, String usedBy) {
    String at = Instant.now().minusSeconds(60).toString();
    return new ResourceRecord(
        kind, id, state, "audit-it@" + UUID.randomUUID(), null, "sha", null, usedBy, at, at);
  }

  /**
   * An upload of a source that stalls, terminated (no compensation) once it writes; its write let
   * go.
   */
  static void terminateUploadMidWrite(String id) throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    http.createContext(
        "/slow.raw",
        ex -> {
          ex.sendResponseHeaders(200, 64L << 20);
          try (OutputStream out = ex.getResponseBody()) {
            out.write(new byte[4 << 20]);
            out.flush();
            release.await(2, TimeUnit.MINUTES);
          } catch (InterruptedException | java.io.IOException e) {
            // the client went away
          }
        });
    http.start();
    try {
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
      stack
          .worker
          .getBean(WorkflowClient.class)
          .newUntypedWorkflowStub("image-upload-" + id)
          .terminate("audit test");
      assertThat(stack.await(op, Duration.ofMinutes(1))).contains("\"status\":\"TERMINATED\"");
    } finally {
      release.countDown();
      http.stop(0);
    }
    CephflowStack.awaitNoWatchers("images/" + id);
  }

  /** The gauge reaches the registry every 500 ms here: waits up to 10 s for it to say so. */
  static void awaitMetric(String category, java.util.function.DoublePredicate ok)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    double v = Double.NaN;
    while (System.nanoTime() < deadline) {
      v = stack.metric("cephflow_audit_findings", "category=\"" + category + "\"");
      if (ok.test(v)) return;
      Thread.sleep(200);
    }
    throw new AssertionError("cephflow_audit_findings{category=" + category + "} is " + v);
  }
}
