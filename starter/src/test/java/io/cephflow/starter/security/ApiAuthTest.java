package io.cephflow.starter.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.cephflow.starter.ApiTestSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * The auth matrix on every endpoint the API has (read from Spring's own handler mapping, so a new
 * endpoint is covered without editing this test): no token, a wrong token, an expired or foreign
 * JWT are 401; a reader may GET only; an operator may also POST and DELETE; admin may read the
 * actuator. "Allowed" means anything but 401/403: Temporal and Ceph are absent here on purpose.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@org.junit.jupiter.api.extension.ExtendWith(
    org.springframework.boot.test.system.OutputCaptureExtension.class)
class ApiAuthTest extends ApiTestSupport {

  @Autowired
  @org.springframework.beans.factory.annotation.Qualifier("requestMappingHandlerMapping")
  RequestMappingHandlerMapping mappings;

  List<Endpoint> endpoints;

  @BeforeAll
  void endpoints() {
    endpoints = new ArrayList<>();
    mappings
        .getHandlerMethods()
        .forEach(
            (info, method) -> {
              for (String pattern : info.getPatternValues()) {
                if (!pattern.startsWith("/api/")) continue;
                Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
                for (RequestMethod m : methods)
                  endpoints.add(new Endpoint(m.name(), pattern.replaceAll("\\{[^}]+}", ID)));
              }
            });
    assertThat(endpoints).hasSizeGreaterThan(12);
  }

  @Test
  void noTokenIsA401ProblemOnEveryEndpoint() throws Exception {
    for (Endpoint e : endpoints) {
      var r = call(e, null);
      assertThat(r.statusCode()).as(e.toString()).isEqualTo(401);
      assertThat(r.headers().firstValue("WWW-Authenticate"))
          .as(e.toString())
          .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
      assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
      assertThat(r.body()).contains("\"error\":\"Unauthorized\"").contains("\"status\":401");
    }
  }

  @Test
  void aWrongTokenIsA401OnEveryEndpoint() throws Exception {
    for (Endpoint e : endpoints) {
      assertThat(call(e, "not-a-token").statusCode()).as(e.toString()).isEqualTo(401);
      assertThat(call(e, READER + "x").statusCode()).as(e.toString()).isEqualTo(401);
    }
  }

  @Test
  void readersMayOnlyRead() throws Exception {
    for (Endpoint e : endpoints) {
      int status = call(e, READER).statusCode();
      if (e.method().equals("GET")) {
        assertThat(status).as(e.toString()).isNotIn(401, 403);
      } else {
        assertThat(status).as(e.toString()).isEqualTo(403);
      }
    }
  }

  @Test
  void operatorsAndAdminsMayDoEverythingInTheApi() throws Exception {
    for (Endpoint e : endpoints) {
      assertThat(call(e, OPERATOR).statusCode()).as("operator " + e).isNotIn(401, 403);
      assertThat(call(e, ADMIN).statusCode()).as("admin " + e).isNotIn(401, 403);
    }
  }

  @Test
  void onlyAnAdminMayStartAnAuditThatReaps() throws Exception {
    Endpoint audits = new Endpoint("POST", "/api/v1/audits");
    var operator = call(audits, OPERATOR, "{\"reap\":true}");
    assertThat(operator.statusCode()).isEqualTo(403);
    assertThat(operator.body())
        .contains("\"error\":\"Forbidden\"")
        .contains("only an admin may reap");
    assertThat(call(audits, OPERATOR, "{\"reap\":false}").statusCode()).isNotIn(401, 403);
    assertThat(call(audits, ADMIN, "{\"reap\":true}").statusCode()).isNotIn(401, 403);
    assertThat(call(audits, READER, "{}").statusCode()).isEqualTo(403);
  }

  @Test
  void jwtsFromTheConfiguredSignerCarryTheirRoles() throws Exception {
    Endpoint create = new Endpoint("POST", "/api/v1/images");
    Endpoint list = new Endpoint("GET", "/api/v1/images");
    String reader = jwt(signer, List.of("reader"), "cephflow", Instant.now().plusSeconds(300));
    assertThat(call(list, reader).statusCode()).isNotIn(401, 403);
    assertThat(call(create, reader).statusCode()).isEqualTo(403);
    String operator =
        jwt(
            signer,
            List.of("operator", "someone-elses-role"),
            "cephflow",
            Instant.now().plusSeconds(300));
    assertThat(call(create, operator).statusCode()).isNotIn(401, 403);
  }

  @Test
  void expiredForeignOrMisaddressedJwtsAre401() throws Exception {
    Endpoint list = new Endpoint("GET", "/api/v1/images");
    var expired =
        call(list, jwt(signer, List.of("admin"), "cephflow", Instant.now().minusSeconds(600)));
    assertThat(expired.statusCode()).isEqualTo(401);
    assertThat(expired.body()).contains("expired");
    assertThat(
            call(list, jwt(stranger, List.of("admin"), "cephflow", Instant.now().plusSeconds(300)))
                .statusCode())
        .isEqualTo(401);
    assertThat(
            call(list, jwt(signer, List.of("admin"), "another-api", Instant.now().plusSeconds(300)))
                .statusCode())
        .isEqualTo(401);
  }

  @Test
  void probesAreOpenTheRestOfTheActuatorIsNot() throws Exception {
    assertThat(call(new Endpoint("GET", "/actuator/health/liveness"), null).statusCode())
        .isEqualTo(200);
    // open without a token; Temporal is absent here, so not ready (ProbeGroupsTest: with Temporal)
    assertThat(call(new Endpoint("GET", "/actuator/health/readiness"), null).statusCode())
        .isEqualTo(503);
    for (String p : List.of("/actuator/health", "/actuator/prometheus", "/actuator/info")) {
      assertThat(call(new Endpoint("GET", p), null).statusCode()).as(p).isEqualTo(401);
    }
    assertThat(call(new Endpoint("GET", "/actuator/prometheus"), READER).statusCode())
        .isEqualTo(200);
    assertThat(call(new Endpoint("GET", "/actuator/health"), READER).statusCode()).isEqualTo(403);
    var health = call(new Endpoint("GET", "/actuator/health"), ADMIN);
    assertThat(health.statusCode()).isIn(200, 503);
  }

  @Test
  void everyMutatingRequestLeavesOneAuditLineReadsNone(
      org.springframework.boot.test.system.CapturedOutput out) throws Exception {
    String marker = "/api/v1/volumes/" + java.util.UUID.randomUUID();
    call(new Endpoint("DELETE", marker), OPERATOR);
    call(new Endpoint("DELETE", marker), READER);
    call(new Endpoint("DELETE", marker), null);
    call(new Endpoint("GET", marker), READER);
    List<String> lines =
        out.getAll()
            .lines()
            .filter(l -> l.contains("cephflow.audit") || l.contains(" audit "))
            .filter(l -> l.contains(marker))
            .toList();
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0))
        .contains("caller=ops")
        .contains("roles=operator")
        .contains("method=DELETE")
        .contains("status=503");
    assertThat(lines.get(1)).contains("caller=ro").contains("status=403");
    assertThat(lines.get(2)).contains("caller=-").contains("status=401");
    assertThat(String.join("\n", lines)).doesNotContain(OPERATOR).doesNotContain(READER);
  }

  @Test
  void everyRequestLeavesOneAccessLineTheProbesNone(
      org.springframework.boot.test.system.CapturedOutput out) throws Exception {
    String marker = "/api/v1/volumes/" + java.util.UUID.randomUUID();
    call(new Endpoint("GET", marker), READER);
    call(new Endpoint("DELETE", marker), READER);
    call(new Endpoint("GET", marker), null);
    call(new Endpoint("GET", "/actuator/health/liveness"), null);
    List<String> lines = out.getAll().lines().filter(l -> l.contains("cephflow.access")).toList();
    List<String> mine = lines.stream().filter(l -> l.contains(marker)).toList();
    assertThat(mine).hasSize(3);
    assertThat(mine.get(0)).containsPattern("GET " + marker + " 503 \\d+ ms caller=ro");
    assertThat(mine.get(1)).contains("DELETE " + marker + " 403 ").contains("caller=ro");
    assertThat(mine.get(2)).contains("GET " + marker + " 401 ").contains("caller=-");
    assertThat(lines).noneMatch(l -> l.contains("/actuator/health/liveness"));
    assertThat(String.join("\n", lines)).doesNotContain(READER);
  }

  @Test
  void theTokensFileIsReReadWhenItChanges() throws Exception {
    Path file = Files.createTempFile("tokens-", ".txt");
    try {
      Files.writeString(file, "a reader sha256:" + ApiTokens.sha256Hex("one") + "\n");
      ApiTokens tokens = new ApiTokens(file, List.of());
      assertThat(tokens.lookup("one")).hasValue(new ApiTokens.Caller("a", Role.READER));
      Files.writeString(file, "b admin sha256:" + ApiTokens.sha256Hex("two") + "\n");
      Files.setLastModifiedTime(
          file, java.nio.file.attribute.FileTime.from(Instant.now().plusSeconds(5)));
      assertThat(tokens.lookup("one")).isEmpty();
      assertThat(tokens.lookup("two")).hasValue(new ApiTokens.Caller("b", Role.ADMIN));
    } finally {
      Files.delete(file);
    }
  }

  @Test
  void aTokensFileWithAPlainTokenInsteadOfAHashIsRefused() throws Exception {
    Path file = Files.createTempFile("tokens-", ".txt");
    try {
      Files.writeString(file, "a reader my-secret-token\n");
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ApiTokens(file, List.of()))
          .hasMessageContaining(":1")
          .hasMessageContaining("sha256:")
          .hasMessageNotContaining("my-secret-token");
    } finally {
      Files.delete(file);
    }
  }
}
