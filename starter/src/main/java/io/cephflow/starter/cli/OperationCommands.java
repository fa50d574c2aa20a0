package io.cephflow.starter.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cephflow operation list|show|wait|cancel}: the flows (Temporal workflows) and how they
 * stand.
 */
@Command(
    name = "operation",
    description =
        "Operations (one flow each; the id is the workflow id): list, show, wait, cancel.",
    subcommands = {
      OperationCommands.List_.class,
      OperationCommands.Show.class,
      OperationCommands.Wait.class,
      OperationCommands.Cancel.class
    })
final class OperationCommands {
  static final List<String> SUMMARY = List.of("id", "type", "status", "started", "closed");

  /** {@code image-upload-<uuid>}, {@code volume-create-<uuid>}, ...: as the API checks them. */
  static final class OperationId implements CommandLine.ITypeConverter<String> {
    private static final Pattern ID =
        Pattern.compile(
            "[a-z-]{1,40}-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    @Override
    public String convert(String value) {
      if (!ID.matcher(value).matches()) {
        throw new CommandLine.TypeConversionException(
            "'" + value + "' is not an operation id (like image-upload-<uuid>)");
      }
      return value;
    }
  }

  /** {@code image|volume|snapshot|server:<uuid>}. */
  static final class Resource implements CommandLine.ITypeConverter<String> {
    private static final Pattern RESOURCE =
        Pattern.compile(
            "(image|volume|snapshot|server):[0-9a-f]{8}-[0-9a-f]{4}-"
                + "[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    @Override
    public String convert(String value) {
      String v = value.toLowerCase(java.util.Locale.ROOT);
      if (!RESOURCE.matcher(v).matches()) {
        throw new CommandLine.TypeConversionException(
            "'"
                + value
                + "' is not KIND:UUID with KIND one of image, volume, "
                + "snapshot, server");
      }
      return v;
    }
  }

  @Command(
      name = "list",
      description = {
        "Lists every operation that worked on one resource, newest first.",
        "Example: cephflow operation list --resource image:IMAGE_ID"
      })
  static final class List_ extends ApiCommand {
    @Option(
        names = "--resource",
        required = true,
        paramLabel = "KIND:UUID",
        converter = Resource.class,
        description = "image:UUID, volume:UUID, snapshot:UUID or server:UUID")
    String resource;

    @Option(
        names = "--limit",
        paramLabel = "N",
        converter = Listing.Limit.class,
        description = "at most N (1-1000; default 100)")
    Integer limit;

    @Override
    public Integer call() {
      List<String> cols = output.select(SUMMARY, SUMMARY);
      JsonNode answer =
          api().get("/api/v1/operations", Api.params("resource", resource, "limit", limit));
      List<JsonNode> items = new ArrayList<>();
      answer.path("operations").forEach(items::add);
      output.many(ctx(), items, cols);
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "show",
      description = {
        "Shows an operation: status, step, bytes done/total, result or typed failure.",
        "Its exit code is the operation's: 0 COMPLETED or RUNNING, 1 FAILED, 6 CANCELED (as for wait)."
      })
  static final class Show extends ApiCommand {
    @Parameters(
        paramLabel = "OPERATION_ID",
        converter = OperationId.class,
        description = "the operation")
    String id;

    @Override
    public Integer call() {
      List<String> cols = output.select(OPERATION, OPERATION);
      JsonNode op = api().get("/api/v1/operations/" + id);
      output.one(ctx(), op, cols);
      return Waiter.report(ctx(), op);
    }
  }

  @Command(
      name = "wait",
      description = {
        "Follows an operation to its end: a progress bar on a terminal (step, bytes, "
            + "rate, time left), a line per step otherwise; then shows it.",
        "Its exit code is the operation's (as for show); Ctrl-C detaches (130), --timeout gives up (8)."
      })
  static final class Wait extends ApiCommand {
    @Parameters(
        paramLabel = "OPERATION_ID",
        converter = OperationId.class,
        description = "the operation")
    String id;

    @Option(
        names = "--timeout",
        paramLabel = "SECONDS",
        description = "give up waiting after this long (exit 8; " + "the operation goes on)")
    Long timeout;

    @Override
    public Integer call() {
      Waiter.checkTimeout(spec, timeout);
      List<String> cols = output.select(OPERATION, OPERATION);
      JsonNode op = new Waiter(api(), ctx()).await(id, timeout);
      output.one(ctx(), op, cols);
      return Waiter.report(ctx(), op);
    }
  }

  @Command(
      name = "cancel",
      description = {
        "Cancels a running operation: the flow undoes what it did and ends "
            + "CANCELED. A delete, or an operation that has ended, cannot be canceled (409, exit 5).",
        "With --wait it exits 0 once the operation is CANCELED, 1 if it ended some other way first."
      })
  static final class Cancel extends ApiCommand {
    @Parameters(
        paramLabel = "OPERATION_ID",
        converter = OperationId.class,
        description = "the operation")
    String id;

    @CommandLine.Mixin Waiter.Options wait;

    @Override
    public Integer call() {
      wait.check(spec);
      List<String> cols = output.select(OPERATION, OPERATION);
      JsonNode op = api().post("/api/v1/operations/" + id + "/cancel", null);
      if (!wait.wait) {
        output.one(ctx(), op, cols);
        return ExitCodes.OK;
      }
      op = new Waiter(api(), ctx()).await(id, wait.timeout);
      output.one(ctx(), op, cols);
      if ("CANCELED".equals(op.path("status").asText())) return ExitCodes.OK;
      Waiter.report(ctx(), op);
      ctx()
          .err()
          .println(
              "cephflow: "
                  + id
                  + " ended "
                  + op.path("status").asText()
                  + " before the cancel reached it");
      return ExitCodes.FAILED;
    }
  }
}
