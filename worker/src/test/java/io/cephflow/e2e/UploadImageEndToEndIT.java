package io.cephflow.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.cephflow.ceph.CephTestCluster;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** UploadImage through the REST API, the worker and Temporal, into the dev Ceph cluster. */
class UploadImageEndToEndIT {
  private static final long MiB = 1 << 20;
  @TempDir static Path dir;
  static CephflowStack stack;
  static HttpServer http;

  @BeforeAll
  static void start() throws Exception {
    stack = new CephflowStack(dir);
    http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    http.createContext(
        "/files/",
        ex -> {
          Path f = dir.resolve(ex.getRequestURI().getPath().substring("/files/".length()));
          if (!Files.isRegularFile(f)) {
            ex.sendResponseHeaders(404, -1);
          } else {
            ex.sendResponseHeaders(200, Files.size(f));
            try (OutputStream out = ex.getResponseBody()) {
              Files.copy(f, out);
            }
          }
          ex.close();
        });
    // /slow/<file>: announces the whole length, then sends 1 MiB every 200 ms
    http.createContext(
        "/slow/",
        ex -> {
          Path f = dir.resolve(ex.getRequestURI().getPath().substring("/slow/".length()));
          byte[] data = Files.readAllBytes(f);
          ex.sendResponseHeaders(200, data.length);
          try (OutputStream out = ex.getResponseBody()) {
            for (int off = 0; off < data.length; off += (int) MiB) {
              out.write(data, off, (int) Math.min(MiB, data.length - off));
              out.flush();
              Thread.sleep(200);
            }
          } catch (IOException | InterruptedException e) {
            // the reader went away: the upload was canceled
          }
          ex.close();
        });
    // /unsized/<file>: the same pace, chunked, no length announced
    http.createContext(
        "/unsized/",
        ex -> {
          Path f = dir.resolve(ex.getRequestURI().getPath().substring("/unsized/".length()));
          byte[] data = Files.readAllBytes(f);
          ex.sendResponseHeaders(200, 0);
          try (OutputStream out = ex.getResponseBody()) {
            for (int off = 0; off < data.length; off += (int) MiB) {
              out.write(data, off, (int) Math.min(MiB, data.length - off));
              out.flush();
              Thread.sleep(200);
            }
          } catch (IOException | InterruptedException e) {
            // the reader went away
          }
          ex.close();
        });
    http.start();
  }

  @AfterAll
  static void stop() {
    if (http != null) http.stop(0);
    if (stack != null) stack.close();
  }

  @Test
  void uploadsARandomImageAndARepeatedRequestIsTheSameOperation() throws Exception {
    Path src = dir.resolve("random.raw");
    byte[] data = new byte[(int) (64 * MiB)];
    new Random(7).nextBytes(data);
    Files.write(src, data);
    String sha = ServerIts.sha256(src);
    String id = UUID.randomUUID().toString();
    String body =
        "{\"imageId\":\""
            + id
            + "\",\"name\":\"random\",\"source\":\""
            + src
            + "\",\"diskFormat\":\"raw\","
            + "\"checksum\":\"sha256:"
            + sha
            + "\"}";
    HttpResponse<String> r = stack.post("/api/v1/images", body);
    assertThat(r.statusCode()).isEqualTo(202);
    String location = r.headers().firstValue("Location").orElseThrow();
    assertThat(location).isEqualTo("/api/v1/operations/image-upload-" + id);

    String done = stack.await(location, Duration.ofMinutes(3));
    assertThat(done)
        .contains("\"status\":\"COMPLETED\"")
        .contains(sha)
        .contains("\"step\":\"done\"");

    HttpResponse<String> again = stack.post("/api/v1/images", body);
    assertThat(again.statusCode()).isEqualTo(202);
    assertThat(again.headers().firstValue("Location")).contains(location);
    assertThat(stack.await(location, Duration.ofSeconds(30))).contains("\"status\":\"COMPLETED\"");

    // the flow tagged itself with the image: the API lists it (visibility may lag a moment);
    // the embedded test server cannot list at all, which the API says with a 501
    HttpResponse<String> listing = stack.get("/api/v1/operations?resource=image:" + id);
    if (io.cephflow.fixture.TestBackends.get().temporal().isEmpty()) {
      assertThat(listing.statusCode()).isEqualTo(501);
      assertThat(listing.body()).contains("cannot list workflows");
    } else {
      for (long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
          !listing.body().contains("image-upload-" + id) && System.nanoTime() < end;
          Thread.sleep(200)) {
        listing = stack.get("/api/v1/operations?resource=image:" + id);
      }
      assertThat(listing.body())
          .contains("\"id\":\"image-upload-" + id + "\"")
          .contains("\"type\":\"UploadImageWorkflow\"")
          .contains("\"status\":\"COMPLETED\"");
    }

    String image = "images/" + id;
    assertThat(ServerIts.exportSha256(dir, image)).isEqualTo(sha);
    String snaps = CephTestCluster.rbdCli("snap", "ls", "--format", "json", image);
    assertThat(snaps).contains("\"name\":\"snap\"").contains("\"protected\":\"true\"");
    String meta = CephTestCluster.rbdCli("image-meta", "list", "--format", "json", image);
    assertThat(meta)
        .contains("\"cephflow.sha256\":\"" + sha + "\"")
        .contains("\"cephflow.name\":\"random\"")
        .contains("\"cephflow.owner\":\"image-upload-" + id + "@");
    purge(id);
  }

  @Test
  void aSparseGibibyteImportsThinAndByteForByteOverHttpAndFromAFile() throws Exception {
    Path src = dir.resolve("sparse.raw");
    Random random = new Random(3);
    byte[] chunk = new byte[(int) (4 * MiB)];
    try (var f = new RandomAccessFile(src.toFile(), "rw")) {
      f.setLength(1024 * MiB);
      for (int i = 0; i < 8; i++) {
        random.nextBytes(chunk);
        f.seek(i * 128 * MiB + 64 * MiB);
        f.write(chunk);
      }
    }
    String id = UUID.randomUUID().toString();
    HttpResponse<String> r =
        stack.post(
            "/api/v1/images",
            "{\"imageId\":\""
                + id
                + "\",\"name\":\"sparse\","
                + "\"source\":\""
                + http(src)
                + "\",\"diskFormat\":\"raw\"}");
    assertThat(r.statusCode()).isEqualTo(202);
    String done =
        stack.await(r.headers().firstValue("Location").orElseThrow(), Duration.ofMinutes(5));
    assertThat(done).contains("\"status\":\"COMPLETED\"");
    String du = CephTestCluster.rbdCli("du", "--format", "json", "images/" + id);
    long used = Long.parseLong(du.replaceAll("(?s).*\"used_size\":(\\d+).*", "$1"));
    assertThat(used).isLessThanOrEqualTo(8 * 4 * MiB);
    assertThat(ServerIts.exportSha256(dir, "images/" + id)).isEqualTo(ServerIts.sha256(src));
    purge(id);

    // the same file by path: holes skipped, not read, and hashed as zeros (SHA-256 and SHA-512)
    String sha512 = ServerIts.digest(src, "SHA-512");
    String local = UUID.randomUUID().toString();
    r =
        stack.post(
            "/api/v1/images",
            "{\"imageId\":\""
                + local
                + "\",\"name\":\"sparse\",\"source\":\""
                + src
                + "\",\"diskFormat\":\"raw\",\"checksum\":\"sha512:"
                + sha512
                + "\"}");
    assertThat(r.statusCode()).isEqualTo(202);
    done = stack.await(r.headers().firstValue("Location").orElseThrow(), Duration.ofMinutes(5));
    // a sha512 expected: the full SHA-256 is not computed, the chunked one (the provenance) is
    assertThat(done)
        .contains("\"status\":\"COMPLETED\"")
        .doesNotContain(ServerIts.sha256(src))
        .contains("\"chunkedSha256\":\"" + ServerIts.chunkedSha256(src) + "\"");
    du = CephTestCluster.rbdCli("du", "--format", "json", "images/" + local);
    assertThat(Long.parseLong(du.replaceAll("(?s).*\"used_size\":(\\d+).*", "$1")))
        .isLessThanOrEqualTo(8 * 4 * MiB);
    assertThat(ServerIts.exportSha256(dir, "images/" + local)).isEqualTo(ServerIts.sha256(src));
    purge(local);
  }

  /**
   * The provenance digest is what coreutils print for the file and for {@code rbd export} of the
   * image (docs/intake.md): a sparse file whose size is not a multiple of the 4 MiB chunk, with
   * data across a chunk edge, a stored run of zeros and a hole, over HTTP (every zero arrives) and
   * by path (holes skipped); the full SHA-256 only when asked for.
   */
  @Test
  void theChunkedDigestIsWhatCoreutilsPrintForTheFileAndForTheImage() throws Exception {
    Path src = dir.resolve("chunked.raw");
    Random random = new Random(18);
    byte[] block = new byte[(int) MiB];
    try (RandomAccessFile f = new RandomAccessFile(src.toFile(), "rw")) {
      f.setLength(13 * MiB + 12345);
      random.nextBytes(block);
      f.seek(4 * MiB - 1000); // across the first chunk edge
      f.write(block);
      f.write(new byte[(int) (2 * MiB)]); // zeros stored as data: an all-zero stretch, not a hole
      random.nextBytes(block);
      f.seek(13 * MiB); // into the short last chunk
      f.write(block, 0, 12345);
    }
    String want = ServerIts.chunkedSha256(src);
    String sha = ServerIts.sha256(src);
    assertThat(want).isNotEqualTo(sha);

    String byHttp = "0f180000" + UUID.randomUUID().toString().substring(8);
    HttpResponse<String> r =
        stack.post(
            "/api/v1/images",
            "{\"imageId\":\""
                + byHttp
                + "\",\"name\":\"chunked\","
                + "\"source\":\""
                + http(src)
                + "\",\"diskFormat\":\"raw\"}");
    assertThat(r.statusCode()).isEqualTo(202);
    String done =
        stack.await(r.headers().firstValue("Location").orElseThrow(), Duration.ofMinutes(3));
    assertThat(done)
        .contains("\"status\":\"COMPLETED\"")
        .contains("\"chunkedSha256\":\"" + want + "\"")
        .doesNotContain(sha);
    String meta =
        CephTestCluster.rbdCli("image-meta", "list", "--format", "json", "images/" + byHttp);
    assertThat(meta)
        .contains("\"cephflow.chunked-sha256\":\"" + want + "\"")
        .doesNotContain("cephflow.sha256\"");
    assertThat(ServerIts.exportChunkedSha256("images/" + byHttp)).isEqualTo(want);
    purge(byHttp);

    String byPath = "0f180000" + UUID.randomUUID().toString().substring(8);
    r =
        stack.post(
            "/api/v1/images",
            "{\"imageId\":\""
                + byPath
                + "\",\"name\":\"chunked\",\"source\":\""
                + src
                + "\",\"diskFormat\":\"raw\",\"checksum\":\"sha256\"}");
    assertThat(r.statusCode()).isEqualTo(202);
    done = stack.await(r.headers().firstValue("Location").orElseThrow(), Duration.ofMinutes(3));
    assertThat(done)
        .contains("\"status\":\"COMPLETED\"")
        .contains("\"chunkedSha256\":\"" + want + "\"")
        .contains("\"sha256\":\"" + sha + "\"");
    meta = CephTestCluster.rbdCli("image-meta", "list", "--format", "json", "images/" + byPath);
    assertThat(meta)
        .contains("\"cephflow.chunked-sha256\":\"" + want + "\"")
        .contains("\"cephflow.sha256\":\"" + sha + "\"");
    assertThat(ServerIts.exportChunkedSha256("images/" + byPath)).isEqualTo(want);
    assertThat(ServerIts.exportSha256(dir, "images/" + byPath)).isEqualTo(sha);
    purge(byPath);
  }

  @Test
  void badInputFailsWithATypedReasonAndLeavesNothingBehind() throws Exception {
    Path empty = Files.createFile(dir.resolve("empty.raw"));
    Path small = dir.resolve("small.raw");
    Files.write(small, new byte[] {1, 2, 3, 4, 5});
    expectFailure(
        "{\"name\":\"x\",\"source\":\"" + dir.resolve("missing.raw") + "\"}", "SourceNotFound");
    expectFailure("{\"name\":\"x\",\"source\":\"" + empty + "\"}", "SourceEmpty");
    expectFailure(
        "{\"name\":\"x\",\"source\":\"" + small + "\",\"checksum\":\"" + "0".repeat(64) + "\"}",
        "ChecksumMismatch");
    expectFailure(
        "{\"name\":\"x\",\"source\":\"http://127.0.0.1:1/nothing.raw\"}", "SourceNotFound");
    expectFailure(
        "{\"name\":\"x\",\"source\":\"" + http(dir.resolve("missing.raw")) + "\"}",
        "SourceNotFound");
    expectFailure("{\"name\":\"x\",\"source\":\"/etc/passwd\"}", "SourceForbidden");
    expectFailure(
        "{\"name\":\"x\",\"source\":\"http://169.254.169.254/latest/meta-data\"}",
        "SourceForbidden");

    // an image that exists with other content is not ours: refused, and left untouched
    String taken = UUID.randomUUID().toString();
    CephTestCluster.rbdCli("create", "--size", "1M", "images/" + taken);
    try {
      expectFailure(
          "{\"imageId\":\"" + taken + "\",\"name\":\"x\",\"source\":\"" + small + "\"}",
          "Conflict");
      assertThat(CephTestCluster.rbdCli("info", "images/" + taken)).contains("size 1 MiB");
    } finally {
      CephTestCluster.rbdCli("rm", "--no-progress", "images/" + taken);
    }
  }

  @Test
  void aCanceledUploadUndoesItselfAndEndsCanceled() throws Exception {
    Path src = dir.resolve("cancel-me.qcow2");
    Path raw = dir.resolve("cancel-me.raw");
    byte[] data = new byte[(int) (48 * MiB)];
    new Random(11).nextBytes(data);
    Files.write(raw, data);
    CephTestCluster.run(
        java.util.List.of(
            "qemu-img", "convert", "-f", "raw", "-O", "qcow2", raw.toString(), src.toString()));
    for (String format : new String[] {"raw", "qcow2"}) {
      Path file = format.equals("raw") ? raw : src;
      String id = UUID.randomUUID().toString();
      HttpResponse<String> r =
          stack.post(
              "/api/v1/images",
              "{\"imageId\":\""
                  + id
                  + "\",\"name\":\"c\","
                  + "\"source\":\"http://127.0.0.1:"
                  + http.getAddress().getPort()
                  + "/slow/"
                  + file.getFileName()
                  + "\",\"diskFormat\":\""
                  + format
                  + "\"}");
      String op = r.headers().firstValue("Location").orElseThrow();
      String opId = op.substring(op.lastIndexOf('/') + 1);
      // cancel while bytes flow: raw streams into the image, qcow2 is staged in the scratch area
      String writing = format.equals("raw") ? "\"step\":\"write\"" : "\"step\":\"fetch\"";
      String status = stack.get(op).body();
      for (long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
          !status.contains(writing) && System.nanoTime() < end;
          Thread.sleep(50)) {
        status = stack.get(op).body();
      }
      assertThat(status).as(format).contains("\"status\":\"RUNNING\"").contains(writing);
      Thread.sleep(1000);

      HttpResponse<String> cancel = stack.post("/api/v1/operations/" + opId + "/cancel", "");
      assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(202);
      String done = stack.await(op, Duration.ofMinutes(2));
      assertThat(done)
          .as(format)
          .contains("\"status\":\"CANCELED\"")
          .contains("\"type\":\"Canceled\"");
      assertThat(
              CephTestCluster.rbd()
                  .images()
                  .exists(new io.cephflow.workflows.common.RbdRef("images", id)))
          .as(id)
          .isFalse();
      assertThat(stack.scratchFiles()).isEmpty();

      HttpResponse<String> again = stack.post("/api/v1/operations/" + opId + "/cancel", "");
      assertThat(again.statusCode()).isEqualTo(409);
      assertThat(again.body()).contains("NotCancelable").contains("has ended (CANCELED)");
    }
    assertThat(
            stack
                .post("/api/v1/operations/image-upload-" + UUID.randomUUID() + "/cancel", "")
                .statusCode())
        .isEqualTo(404);
    assertThat(stack.post("/api/v1/operations/nope/cancel", "").statusCode()).isEqualTo(400);
  }

  /**
   * Progress read while bytes flow (1 MiB every 200 ms): fresh (several distinct values within the
   * step), monotonic, bounded by the total, the total known when the source announces it and -1
   * when it does not; the last status agrees with the end.
   */
  @Test
  void progressTellsTheTruthWhileBytesFlow() throws Exception {
    Path raw = dir.resolve("progress.raw");
    byte[] data = new byte[(int) (16 * MiB)];
    new Random(5).nextBytes(data);
    Files.write(raw, data);
    Path qcow2 = dir.resolve("progress.qcow2");
    CephTestCluster.run(
        java.util.List.of(
            "qemu-img", "convert", "-f", "raw", "-O", "qcow2", raw.toString(), qcow2.toString()));
    long qcow2Size = Files.size(qcow2);
    watchProgress("slow/progress.raw", "raw", "write", 16 * MiB);
    watchProgress("slow/progress.qcow2", "qcow2", "fetch", qcow2Size);
    watchProgress("unsized/progress.qcow2", "qcow2", "fetch", -1);
    watchProgress("unsized/progress.raw", "raw", "write", -1);
  }

  private void watchProgress(String path, String format, String step, long expectedTotal)
      throws Exception {
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    String id = UUID.randomUUID().toString();
    HttpResponse<String> r =
        stack.post(
            "/api/v1/images",
            "{\"imageId\":\""
                + id
                + "\",\"name\":\"p\","
                + "\"source\":\"http://127.0.0.1:"
                + http.getAddress().getPort()
                + "/"
                + path
                + "\",\"diskFormat\":\""
                + format
                + "\"}");
    String op = ServerIts.started(r);
    java.util.List<Long> seen = new java.util.ArrayList<>();
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    var status = json.readTree(stack.get(op).body());
    while (status.path("status").asText().equals("RUNNING") && System.nanoTime() < deadline) {
      assertThat(status.path("step").asText())
          .as(path)
          .doesNotStartWith("failed")
          .isNotEqualTo("done");
      if (status.path("step").asText().equals(step) && status.path("progress").isObject()) {
        long done = status.at("/progress/bytesDone").asLong(),
            total = status.at("/progress/bytesTotal").asLong();
        assertThat(total).as(path + " total in " + status).isEqualTo(expectedTotal);
        if (total >= 0) assertThat(done).as(path).isBetween(0L, total);
        if (!seen.isEmpty())
          assertThat(done)
              .as(path + " monotonic")
              .isGreaterThanOrEqualTo(seen.get(seen.size() - 1));
        seen.add(done);
      }
      Thread.sleep(100);
      status = json.readTree(stack.get(op).body());
    }
    assertThat(status.path("status").asText()).as(path + " " + status).isEqualTo("COMPLETED");
    assertThat(status.path("step").asText()).isEqualTo("done");
    assertThat(seen.stream().distinct().count())
        .as(path + " fresh values during " + step + ": " + seen)
        .isGreaterThanOrEqualTo(3);
    purge(id);
  }

  /**
   * cephflow's own metrics count what the flows did: bytes equal to what was written, one flow per
   * outcome.
   */
  @Test
  void metricsCountWhatTheFlowsDid() throws Exception {
    Path src = dir.resolve("metrics.raw");
    byte[] data = new byte[(int) (3 * MiB + 12345)];
    new Random(3).nextBytes(data);
    Files.write(src, data);
    String read = "direction=\"read\"", write = "activity_type=\"WriteFromSource\"";
    String upload = "workflow_type=\"UploadImageWorkflow\"";
    settled(
        read,
        write); // what earlier tests' flows moved has reached the registry (every 500 ms here)
    double readBefore = stack.metric("cephflow_bytes_total", read, write);
    double httpBefore =
        stack.metric("cephflow_bytes_total", read, write, "pool=\"images\"", "source=\"http\"");
    double okBefore = stack.metric("cephflow_flows_total", upload, "outcome=\"completed\"");
    double failedBefore =
        stack.metric(
            "cephflow_flows_total", upload, "outcome=\"failed\"", "failure=\"ChecksumMismatch\"");
    String id = UUID.randomUUID().toString();
    var ok =
        stack.post(
            "/api/v1/images",
            "{\"imageId\":\"" + id + "\",\"name\":\"m\",\"source\":\"" + http(src) + "\"}");
    assertThat(stack.await(ServerIts.started(ok), Duration.ofMinutes(2)))
        .contains("\"status\":\"COMPLETED\"");
    var bad =
        stack.post(
            "/api/v1/images",
            "{\"name\":\"m\",\"source\":\""
                + http(src)
                + "\",\"checksum\":\""
                + "0".repeat(64)
                + "\"}");
    assertThat(stack.await(ServerIts.started(bad), Duration.ofMinutes(2)))
        .contains("ChecksumMismatch");
    // the SDK's scope reports every 10 s
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while ((stack.metric(
                    "cephflow_flows_total",
                    upload,
                    "outcome=\"failed\"",
                    "failure=\"ChecksumMismatch\"")
                < failedBefore + 1
            || stack.metric("cephflow_bytes_total", read, write) < readBefore + 2.0 * data.length)
        && System.nanoTime() < deadline) {
      Thread.sleep(500);
    }
    String scrape =
        java.util.Arrays.stream(stack.workerMetrics().split("\n"))
            .filter(l -> l.contains("cephflow"))
            .collect(java.util.stream.Collectors.joining("\n"));
    assertThat(stack.metric("cephflow_bytes_total", read, write) - readBefore)
        .as(scrape)
        .isEqualTo(2.0 * data.length);
    assertThat(stack.metric("cephflow_flows_total", upload, "outcome=\"completed\"") - okBefore)
        .isEqualTo(1.0);
    assertThat(
            stack.metric(
                    "cephflow_flows_total",
                    upload,
                    "outcome=\"failed\"",
                    "failure=\"ChecksumMismatch\"")
                - failedBefore)
        .isEqualTo(1.0);
    assertThat(stack.metric("cephflow_compensations_total", "result=\"undone\"")).isGreaterThan(0);
    assertThat(stack.workerMetrics()).contains("cephflow_flow_duration_seconds");
    // by pool and source kind; no filler labels, no exception class names, buckets only where read
    assertThat(
            stack.metric("cephflow_bytes_total", read, write, "pool=\"images\"", "source=\"http\"")
                - httpBefore)
        .isEqualTo(2.0 * data.length);
    String all = stack.workerMetrics();
    String ours =
        all.lines()
            .filter(l -> l.startsWith("temporal_") || l.startsWith("cephflow_"))
            .collect(java.util.stream.Collectors.joining("\n"));
    assertThat(ours).doesNotContain("signal_name=", "query_type=", "exception=");
    assertThat(all)
        .contains(
            "cephflow_scratch_usable_bytes",
            "cephflow_scratch_capacity_bytes",
            "cephflow_scratch_bytes");
    assertThat(
            all.lines()
                .filter(l -> l.startsWith("temporal_activity_execution_latency_seconds_bucket")))
        .isEmpty();
    assertThat(all.lines().count()).isLessThan(3000);
    purge(id);
  }

  /** Waits until the counter has not moved for 3 s (six report intervals). */
  private void settled(String... labels) throws InterruptedException {
    double last = -1;
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    for (int still = 0; still < 6 && System.nanoTime() < deadline; Thread.sleep(500)) {
      double now = stack.metric("cephflow_bytes_total", labels);
      still = now == last ? still + 1 : 0;
      last = now;
    }
  }

  @Test
  void malformedRequestsAreRejectedWithA400AndAReason() {
    HttpResponse<String> r =
        stack.post("/api/v1/images", "{\"imageId\":\"nope\",\"name\":\"x\",\"source\":\"/a\"}");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("imageId must be a lower-case UUID");
    assertThat(stack.post("/api/v1/images", "{\"name\":\"x\"}").body())
        .contains("source is required");
    assertThat(
            stack
                .post("/api/v1/images", "{\"name\":\"x\",\"source\":\"/a\",\"diskFormat\":\"exe\"}")
                .body())
        .contains("diskFormat must be one of");
    assertThat(stack.post("/api/v1/images", "not json").statusCode()).isEqualTo(400);
    assertThat(stack.get("/api/v1/operations/image-upload-" + UUID.randomUUID()).statusCode())
        .isEqualTo(404);
    HttpResponse<String> list = stack.get("/api/v1/operations?resource=disk:" + UUID.randomUUID());
    assertThat(list.statusCode()).isEqualTo(400);
    assertThat(list.body()).contains("kind one of");
    assertThat(stack.get("/api/v1/operations?resource=image:x'%20OR%20'1'='1").statusCode())
        .isEqualTo(400);
    assertThat(
            stack
                .get("/api/v1/operations?resource=image:" + UUID.randomUUID() + "&limit=0")
                .statusCode())
        .isEqualTo(400);
    assertThat(stack.get("/api/v1/operations").body()).contains("'resource' is required");
  }

  private void expectFailure(String body, String type) throws InterruptedException {
    HttpResponse<String> r = stack.post("/api/v1/images", body);
    ServerIts.failedWith(stack, r, type);
    assertThat(stack.scratchFiles()).isEmpty();
    if (ServerIts.refusedAtTheDoor(r)) return; // no operation, no image id
    // the pool is shared with other runs: check the image this request named, not the listing
    String id =
        r.body()
            .replaceAll(
                "(?s).*?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}).*", "$1");
    if (!type.equals("Conflict")) {
      assertThat(
              CephTestCluster.rbd()
                  .images()
                  .exists(new io.cephflow.workflows.common.RbdRef("images", id)))
          .as(id)
          .isFalse();
    }
    assertThat(stack.scratchFiles()).isEmpty();
  }

  private String http(Path file) {
    return "http://127.0.0.1:" + http.getAddress().getPort() + "/files/" + file.getFileName();
  }

  private static void purge(String id) {
    CephTestCluster.purge(new io.cephflow.workflows.common.RbdRef("images", id));
  }
}
