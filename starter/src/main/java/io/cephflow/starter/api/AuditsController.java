package io.cephflow.starter.api;

import io.cephflow.starter.client.CephflowClient;
import io.cephflow.starter.client.OperationStatus;
import io.cephflow.workflows.audit.AuditRequest;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.hierarchicalroles.RoleHierarchy;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * The leak auditor (docs/audit.md): {@code POST} starts an audit (operator; with {@code reap},
 * admin only: a reap removes what no record claims), {@code GET} shows it and, once it ended, its
 * findings (reader).
 */
@RestController
@RequestMapping("/api/v1/audits")
public class AuditsController {
  private static final Pattern ID =
      Pattern.compile(
          "audit-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|cephflow-audit-[0-9A-Za-z:.-]{1,40}");
  private static final Pattern UUID =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  private final CephflowClient client;
  private final RoleHierarchy roles;

  public AuditsController(CephflowClient client, RoleHierarchy roles) {
    this.client = client;
    this.roles = roles;
  }

  /** The body of POST /api/v1/audits; every field is optional. */
  public record AuditBody(
      @Schema(
              description = "remove the leaks found (admin only); false: a dry run",
              defaultValue = "false")
          Boolean reap,
      @Schema(
              description =
                  "nothing younger is reaped: lengthens the worker's cephflow.audit.minimum-age, never shortens it",
              example = "3600")
          Long minimumAgeSeconds,
      @Schema(description = "hypervisors to list; default: the worker's cephflow.audit.hosts")
          List<String> hosts,
      @Schema(description = "only the objects and records of these resource ids")
          List<String> resourceIds) {}

  @PostMapping
  @ResponseStatus(HttpStatus.ACCEPTED)
  public ResponseEntity<Map<String, String>> start(
      @RequestBody(required = false) AuditBody body, Authentication who) {
    AuditBody b = body == null ? new AuditBody(null, null, null, null) : body;
    boolean reap = Boolean.TRUE.equals(b.reap());
    if (reap && !isAdmin(who)) {
      throw new RequestRefusedException(
          HttpStatus.FORBIDDEN, "Forbidden", "reap", "only an admin may reap");
    }
    if (b.minimumAgeSeconds() != null && b.minimumAgeSeconds() < 0) {
      throw RequestRefusedException.invalid("minimumAgeSeconds", "minimumAgeSeconds must be >= 0");
    }
    List<String> hosts = b.hosts() == null ? List.of() : b.hosts();
    for (String h : hosts) {
      if (h == null || !h.matches("[A-Za-z0-9][A-Za-z0-9.-]{0,62}")) {
        throw RequestRefusedException.invalid("hosts", "invalid host name '" + h + "'");
      }
    }
    List<String> ids = b.resourceIds() == null ? List.of() : b.resourceIds();
    for (String id : ids) {
      if (id == null || !UUID.matcher(id).matches()) {
        throw RequestRefusedException.invalid(
            "resourceIds", "resource ids are UUIDs, got '" + id + "'");
      }
    }
    String op = client.startAudit(new AuditRequest(reap, b.minimumAgeSeconds(), hosts, ids));
    return Accepted.operation(op, "auditId", op);
  }

  /** The audit's status; its result (counts, findings, what a reap did) once it completed. */
  @GetMapping("/{id}")
  public OperationStatus get(@PathVariable String id) {
    if (!ID.matcher(id).matches())
      throw new IllegalArgumentException("malformed audit id '" + id + "'");
    return client.audit(id);
  }

  private boolean isAdmin(Authentication who) {
    return who != null
        && roles.getReachableGrantedAuthorities(who.getAuthorities()).stream()
            .anyMatch(a -> "ROLE_ADMIN".equals(a.getAuthority()));
  }
}
