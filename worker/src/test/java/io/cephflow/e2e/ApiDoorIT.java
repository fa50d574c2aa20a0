package io.cephflow.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cephflow.workflows.image.UploadImageWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The door on the real stack: what the API refuses never becomes an operation (read back from
 * Temporal itself), and the API serves the next request. Against a real Temporal server (the
 * CEPHFLOW_E2E_TEMPORAL pass of dev/test) a boot naming a host nobody serves is a 404.
 */
class ApiDoorIT {
  @TempDir static Path dir;
  static CephflowStack stack;
  static WorkflowClient temporal;

  @BeforeAll
  static void start() throws Exception {
    ServerIts.requireDevServices();
    Files.write(dir.resolve("ok.raw"), new byte[1 << 20]);
    stack = new CephflowStack(dir);
    temporal = stack.worker.getBean(WorkflowClient.class);
  }

  @AfterAll
  static void stop() {
    if (stack != null) stack.close();
  }

  /** Refused at the door: 400 with the type, and no workflow with that id exists at all. */
  void refusedWithoutAnOperation(String source, String type, String secret) {
    String id = UUID.randomUUID().toString();
    HttpResponse<String> r =
        stack.post(
            "/api/v1/images",
            "{\"imageId\":\"" + id + "\",\"name\":\"door\",\"source\":\"" + source + "\"}");
    assertThat(r.statusCode()).as(source + " " + r.body()).isEqualTo(400);
    assertThat(r.body()).contains("\"error\":\"" + type + "\"");
    if (secret != null) assertThat(r.body()).doesNotContain(secret);
    assertThatThrownBy(
            () -> temporal.newUntypedWorkflowStub(UploadImageWorkflow.workflowId(id)).describe())
        .as("no history for " + source)
        .isInstanceOf(WorkflowNotFoundException.class);
    assertThat(stack.get("/api/v1/operations/" + UploadImageWorkflow.workflowId(id)).statusCode())
        .isEqualTo(404);
  }

  @Test
  void aUrlWithCredentialsNeverReachesTemporalsHistory() {
    refusedWithoutAnOperation(
        "http://alice:door-secret-1@127.0.0.1:1/x.raw", "InvalidRequest", "door-secret-1");
    refusedWithoutAnOperation(
        "https://tok-door-secret-2@example.org/x.raw", "InvalidRequest", "door-secret-2");
  }

  @Test
  void sourcesThePolicyRefusesAreRefusedBeforeAnyFlow() {
    refusedWithoutAnOperation("/etc/passwd", "SourceForbidden", null);
    refusedWithoutAnOperation(dir + "/../../etc/passwd", "SourceForbidden", null);
    refusedWithoutAnOperation(dir + "/missing.raw", "SourceNotFound", null);
    refusedWithoutAnOperation("http://169.254.169.254/latest/meta-data/", "SourceForbidden", null);
    refusedWithoutAnOperation("gopher://127.0.0.1/x", "SourceForbidden", null);
    refusedWithoutAnOperation("http://exa mple.org/x", "InvalidRequest", null);
  }

  @Test
  void anAcceptedUploadStillWorksAfterTheRefusals() throws Exception {
    String id = UUID.randomUUID().toString();
    var r =
        stack.post(
            "/api/v1/images",
            "{\"imageId\":\""
                + id
                + "\",\"name\":\"door ok\",\"source\":\""
                + dir.resolve("ok.raw")
                + "\"}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    String done =
        stack.await(
            "/api/v1/operations/" + UploadImageWorkflow.workflowId(id), Duration.ofMinutes(2));
    assertThat(done).contains("\"status\":\"COMPLETED\"");
    var delete = stack.delete("/api/v1/images/" + id);
    assertThat(delete.statusCode()).isEqualTo(202);
    stack.await(delete.headers().firstValue("Location").orElseThrow(), Duration.ofMinutes(2));
  }

  @Test
  void aBootOnAHostNobodyServesIsA404AgainstARealTemporal() {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        io.cephflow.fixture.TestBackends.get().temporal().isPresent(),
        "the embedded Java test server cannot describe task queues; run in dev/test's real-Temporal pass");
    var r =
        stack.post(
            "/api/v1/servers",
            "{\"imageId\":\""
                + UUID.randomUUID()
                + "\",\"hypervisor\":\"nobody-"
                + "serves-this\"}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(404);
    assertThat(r.body())
        .contains("\"error\":\"HypervisorNotFound\"")
        .contains("cephflow-host-nobody-serves-this");
  }
}
