package io.cephflow.starter.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * What every leaf command shares: the output options, the API, the context; the exit code it
 * returns.
 */
abstract class ApiCommand implements Callable<Integer> {
  /** An operation's fields (GET /api/v1/operations/{id}). */
  static final List<String> OPERATION =
      List.of("id", "type", "status", "step", "progress", "result", "failure");

  /**
   * What an accepted start adds once waited for: the operation's fields but its id (= operationId).
   */
  static final List<String> WAITED = OPERATION.subList(1, OPERATION.size());

  @Spec CommandSpec spec;

  @Mixin Output output;

  Cli root() {
    return (Cli) spec.root().userObject();
  }

  Cli.Context ctx() {
    return root().context;
  }

  Api api() {
    return root().api();
  }

  CommandLine.ParameterException usage(String message) {
    return new CommandLine.ParameterException(spec.commandLine(), message);
  }

  /**
   * Starts a flow: checks -c (and --timeout) before anything is sent, sends, prints the 202's ids,
   * or with --wait follows the operation and prints its end; the exit code follows it.
   */
  int start(Waiter.Options wait, List<String> ids, java.util.function.Supplier<JsonNode> send) {
    wait.check(spec);
    List<String> known = new ArrayList<>(List.of("operationId"));
    known.addAll(ids);
    known.add("location");
    if (wait.wait) known.addAll(WAITED);
    List<String> cols = output.select(known, known);
    JsonNode accepted = send.get();
    if (!wait.wait) {
      output.one(ctx(), accepted, cols);
      return ExitCodes.OK;
    }
    String id = accepted.path("operationId").asText();
    JsonNode op = new Waiter(api(), ctx()).await(id, wait.timeout);
    ObjectNode both = Api.JSON.createObjectNode();
    both.setAll((ObjectNode) accepted);
    op.fields()
        .forEachRemaining(
            e -> {
              if (!e.getKey().equals("id")) both.set(e.getKey(), e.getValue());
            });
    output.one(ctx(), both, cols);
    return Waiter.report(ctx(), op);
  }

  /**
   * A list command: every item at {@code path} (with {@code filters}), in the columns asked for
   * (else {@code usual}); the columns are checked before anything is sent.
   */
  int list(
      Listing listing,
      String path,
      java.util.Map<String, Object> filters,
      List<String> known,
      List<String> usual) {
    List<String> cols = listing.columns(output, known, usual);
    output.many(ctx(), listing.fetch(api(), ctx(), path, filters), cols);
    return ExitCodes.OK;
  }

  /**
   * A show command: the one record at {@code path}, every known column unless some are asked for.
   */
  int show(String path, List<String> known) {
    List<String> cols = output.select(known, known);
    output.one(ctx(), api().get(path), cols);
    return ExitCodes.OK;
  }

  /**
   * {@code value} read by {@code parse}, or the converters' error for what is not a whole number.
   */
  static <T> T whole(String value, java.util.function.Function<String, T> parse) {
    try {
      return parse.apply(value);
    } catch (NumberFormatException e) {
      throw new CommandLine.TypeConversionException("'" + value + "' is not a whole number");
    }
  }

  /** Resource ids are lower-case UUIDs; upper case is taken and lowered. */
  static final class Uuid implements CommandLine.ITypeConverter<String> {
    private static final Pattern UUID =
        Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    @Override
    public String convert(String value) {
      String v = value.toLowerCase(java.util.Locale.ROOT);
      if (!UUID.matcher(v).matches()) {
        throw new CommandLine.TypeConversionException(
            "'" + value + "' is not a UUID (like 3f2a3e9e-6a53-4c1e-9d4f-2f0b8d7c1a10)");
      }
      return v;
    }
  }

  /** A number that must be at least 1 (sizes, counts). */
  static final class Positive implements CommandLine.ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      long v = whole(value, Long::parseLong);
      if (v < 1) throw new CommandLine.TypeConversionException("must be at least 1, got " + v);
      return v;
    }
  }

  /** A whole number, 0 or more. */
  static final class NonNegative implements CommandLine.ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
      int v = whole(value, Integer::parseInt);
      if (v < 0) throw new CommandLine.TypeConversionException("must be 0 or more, got " + v);
      return v;
    }
  }
}
