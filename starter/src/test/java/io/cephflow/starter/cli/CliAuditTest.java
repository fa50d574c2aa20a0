package io.cephflow.starter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code cephflow audit}: the body it sends, and an ended audit's findings as rows. */
class CliAuditTest {
  static final String ID = CliParsingTest.ID;
  static final String AUDIT = "audit-" + CliRequestsTest.ID2;
  final StubApi api = CliParsingTest.newApi();

  @AfterEach
  void stop() {
    api.close();
  }

  static final String ENDED =
      "{\"id\":\""
          + AUDIT
          + "\",\"type\":\"AuditWorkflow\",\"status\":\"COMPLETED\","
          + "\"result\":{\"reaped\":true,\"graceSeconds\":3600,\"counts\":{\"owned\":1,\"orphan\":1},"
          + "\"unreachableHosts\":[\"h2\"],\"findings\":["
          + "{\"category\":\"ORPHAN\",\"object\":{\"type\":\"rbd-image\",\"name\":\"images/"
          + ID
          + "\"},"
          + "\"resource\":\"image:"
          + ID
          + "\",\"ageSeconds\":7200,\"reason\":\"no record\",\"reaped\":\"removed\"},"
          + "{\"category\":\"OWNED\",\"object\":{\"type\":\"domain\",\"name\":\"instance-x\",\"host\":\"h1\"},"
          + "\"reason\":\"available\"}]}}";

  @Test
  void aReapSendsItsOptionsAndWaitingPrintsTheLeaks() throws Exception {
    api.on(
        "POST /api/v1/audits",
        202,
        "{\"operationId\":\"" + AUDIT + "\",\"auditId\":\"" + AUDIT + "\"}");
    api.on("GET /api/v1/operations/" + AUDIT, 200, ENDED);
    var r =
        api.run(
            "audit",
            "--reap",
            "--min-age",
            "60",
            "--host",
            "h1",
            "--resource",
            ID,
            "--wait",
            "-f",
            "json");
    assertThat(r.code()).isZero();
    JsonNode b = CliRequestsTest.body(api.seen.get(0));
    assertThat(b.get("reap").asBoolean()).isTrue();
    assertThat(b.get("minimumAgeSeconds").asLong()).isEqualTo(60);
    assertThat(b.get("hosts").get(0).asText()).isEqualTo("h1");
    assertThat(b.get("resourceIds").get(0).asText()).isEqualTo(ID);
    JsonNode rows = Api.JSON.readTree(r.out());
    assertThat(rows).hasSize(1);
    assertThat(rows.get(0).get("category").asText()).isEqualTo("orphan");
    assertThat(rows.get(0).get("object").asText()).isEqualTo("images/" + ID);
    assertThat(rows.get(0).get("reaped").asText()).isEqualTo("removed");
    assertThat(r.err()).contains("reaped").contains("not listed (unreachable): h2");
  }

  @Test
  void aDryRunByDefaultAndShowListsOwnedWithAll() throws Exception {
    api.on(
        "POST /api/v1/audits",
        202,
        "{\"operationId\":\"" + AUDIT + "\",\"auditId\":\"" + AUDIT + "\"}");
    api.on("GET /api/v1/audits/" + AUDIT, 200, ENDED);
    var accepted = api.run("audit", "-f", "value", "-c", "auditId");
    assertThat(accepted.code()).isZero();
    assertThat(accepted.out().strip()).isEqualTo(AUDIT);
    assertThat(CliRequestsTest.body(api.seen.get(0)).get("reap").asBoolean()).isFalse();
    var shown = api.run("audit", "show", AUDIT, "--all", "-f", "json");
    assertThat(Api.JSON.readTree(shown.out())).hasSize(2);
    assertThat(api.run("audit", "--timeout", "5").code()).isEqualTo(ExitCodes.USAGE);
  }
}
