package io.cephflow.starter.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cephflow audit [--reap] [--wait]} and {@code cephflow audit show AUDIT_ID}: the leak
 * auditor (docs/audit.md). Waited for or shown once ended, an audit prints its findings, one row
 * each (leaks only unless {@code --all}); exit 0 whatever it found.
 */
@Command(
    name = "audit",
    description = {
      "Audits Ceph and the hypervisors against the resource records: orphans, "
          + "dangling records, stale in-use, VMs left paused; --reap (admin) removes them (resumes the paused).",
      "Example: cephflow audit --wait    then, to remove what it found: cephflow audit --reap --wait"
    },
    subcommands = {AuditCommands.Show.class})
final class AuditCommands extends ApiCommand {
  static final List<String> FIELDS =
      List.of(
          "category",
          "type",
          "object",
          "host",
          "resource",
          "operation",
          "ageSeconds",
          "reason",
          "reaped");

  /** What a start without --wait prints. */
  static final List<String> ACCEPTED = List.of("operationId", "auditId", "location");

  static final List<String> USUAL =
      List.of("category", "type", "object", "host", "ageSeconds", "reason", "reaped");

  @Option(
      names = "--reap",
      description =
          "remove the leaks older than the grace whose operation is not running "
              + "(admin only); without it the audit is a dry run")
  boolean reap;

  @Option(
      names = "--min-age",
      paramLabel = "SECONDS",
      converter = ApiCommand.NonNegative.class,
      description =
          "reap nothing younger than this (it can lengthen the worker's cephflow.audit.minimum-age, not shorten it)")
  Integer minAge;

  @Option(
      names = "--host",
      paramLabel = "HOST",
      description =
          "a hypervisor to list (repeat it; default: the " + "worker's cephflow.audit.hosts)")
  List<String> hosts = new ArrayList<>();

  @Option(
      names = "--resource",
      paramLabel = "ID",
      converter = ApiCommand.Uuid.class,
      description = "only the objects and records of this resource id (repeat it)")
  List<String> resources = new ArrayList<>();

  @Option(
      names = "--all",
      description =
          "with --wait: list the owned objects too, not only the leaks (an audit scoped with --resource has them)")
  boolean all;

  @Mixin Waiter.Options wait;

  @Override
  public Integer call() {
    wait.check(spec);
    List<String> cols =
        wait.wait ? output.select(FIELDS, USUAL) : output.select(ACCEPTED, ACCEPTED);
    ObjectNode body = Api.JSON.createObjectNode();
    body.put("reap", reap);
    if (minAge != null) body.put("minimumAgeSeconds", minAge.longValue());
    if (!hosts.isEmpty()) hosts.forEach(body.putArray("hosts")::add);
    if (!resources.isEmpty()) resources.forEach(body.putArray("resourceIds")::add);
    JsonNode accepted = api().post("/api/v1/audits", body);
    if (!wait.wait) {
      output.one(ctx(), accepted, cols);
      return ExitCodes.OK;
    }
    String id = accepted.path("auditId").asText();
    JsonNode op = new Waiter(api(), ctx()).await(id, wait.timeout);
    return findings(this, op, cols, all);
  }

  /**
   * The findings of an ended audit as rows, and its counts on stderr; the exit code follows the
   * operation.
   */
  static int findings(ApiCommand cmd, JsonNode op, List<String> cols, boolean all) {
    JsonNode result = op.path("result");
    if (!result.isObject()) {
      cmd.output.one(cmd.ctx(), op, ApiCommand.OPERATION);
      return Waiter.report(cmd.ctx(), op);
    }
    List<JsonNode> rows = new ArrayList<>();
    for (JsonNode f : result.path("findings")) {
      if (!all && "OWNED".equals(f.path("category").asText())) continue;
      ObjectNode row = Api.JSON.createObjectNode();
      row.put("category", f.path("category").asText().toLowerCase().replace('_', '-'));
      row.set("type", f.path("object").path("type"));
      row.set("object", f.path("object").path("name"));
      row.set("host", f.path("object").path("host"));
      for (String c : List.of("resource", "operation", "ageSeconds", "reason", "reaped"))
        row.set(c, f.path(c));
      rows.add(row);
    }
    cmd.output.many(cmd.ctx(), rows, cols);
    cmd.ctx()
        .err()
        .println(
            "cephflow: "
                + op.path("id").asText()
                + ": "
                + result.path("counts")
                + (result.path("reaped").asBoolean() ? ", reaped" : ", dry run")
                + ", grace "
                + result.path("graceSeconds").asLong()
                + " s"
                + unreachable(result.path("unreachableHosts")));
    return Waiter.report(cmd.ctx(), op);
  }

  private static String unreachable(JsonNode hosts) {
    if (!(hosts instanceof ArrayNode a) || a.isEmpty()) return "";
    List<String> names = new ArrayList<>();
    a.forEach(h -> names.add(h.asText()));
    return "; not listed (unreachable): " + String.join(", ", names);
  }

  @Command(
      name = "show",
      description = "Shows an audit: its findings once it ended, else its status.")
  static final class Show extends ApiCommand {
    @Parameters(
        paramLabel = "AUDIT_ID",
        description = "the audit (audit-<uuid>, or a scheduled one)")
    String id;

    @Option(names = "--all", description = "list the owned objects too, not only the leaks")
    boolean all;

    @Override
    public Integer call() {
      List<String> cols = output.select(FIELDS, USUAL);
      return findings(this, api().get("/api/v1/audits/" + id), cols, all);
    }
  }
}
