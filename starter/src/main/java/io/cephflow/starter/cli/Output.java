package io.cephflow.starter.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code -f table|json|yaml|value} and {@code -c COLUMN}, the same on every command (a mixin). A
 * record prints as Field/Value rows (table), an object (json, yaml) or one value per line (value);
 * a listing as rows, an array, or one line per row, values separated by a space. Columns are the
 * API's field names; {@code -c} is checked before anything is sent.
 */
final class Output {
  enum Format {
    table,
    json,
    yaml,
    value
  }

  @Spec(Spec.Target.MIXEE)
  CommandSpec mixee;

  @Option(
      names = {"-f", "--format"},
      paramLabel = "OUTPUT",
      order = 1,
      description =
          "output format: ${COMPLETION-CANDIDATES} (default: table on a terminal, json when stdout is not one)")
  Format format;

  @Option(
      names = {"-c", "--column"},
      paramLabel = "COLUMN",
      order = 2,
      description =
          "show only this column (repeat it for more); names are the API's fields, as in -f json")
  List<String> columns = new ArrayList<>();

  Format format(Cli.Context ctx) {
    return format != null ? format : ctx.ttyOut() ? Format.table : Format.json;
  }

  /**
   * The columns to show, checked against those the command knows: {@code -c} as given, else {@code
   * defaults}. A column nobody knows is a usage error naming the ones there are.
   */
  List<String> select(List<String> known, List<String> defaults) {
    for (String c : columns) {
      if (!known.contains(c)) {
        String near =
            known.stream()
                .filter(
                    k ->
                        Suggestions.distance(k.toLowerCase(), c.toLowerCase()) <= 2
                            || k.toLowerCase().startsWith(c.toLowerCase()))
                .findFirst()
                .map(k -> "; did you mean '" + k + "'?")
                .orElse("");
        throw new ParameterException(
            mixee.commandLine(),
            "unknown column '" + c + "'" + near + " (columns: " + String.join(", ", known) + ")");
      }
    }
    return columns.isEmpty() ? defaults : List.copyOf(new LinkedHashSet<>(columns));
  }

  /** One record. Fields the command does not list (a newer API's) follow, unless -c narrowed it. */
  void one(Cli.Context ctx, JsonNode record, List<String> cols) {
    List<String> shown = withExtra(record, cols);
    ObjectNode picked = pick(record, shown);
    PrintStream out = ctx.out();
    switch (format(ctx)) {
      case json -> out.println(pretty(picked));
      case yaml -> out.print(Yaml.write(picked));
      case value -> shown.forEach(c -> out.println(value(picked.get(c))));
      case table -> {
        List<List<String>> rows = new ArrayList<>();
        for (String c : shown) rows.add(List.of(c, cell(c, picked.get(c))));
        out.print(table(List.of("Field", "Value"), rows));
      }
    }
  }

  /** A listing: rows of the given columns. */
  void many(Cli.Context ctx, List<JsonNode> records, List<String> cols) {
    PrintStream out = ctx.out();
    ArrayNode array = Api.JSON.createArrayNode();
    for (JsonNode r : records) array.add(pick(r, cols));
    switch (format(ctx)) {
      case json -> out.println(pretty(array));
      case yaml -> out.print(records.isEmpty() ? "[]\n" : Yaml.write(array));
      case value -> {
        for (JsonNode r : array) {
          List<String> values = new ArrayList<>();
          for (String c : cols) values.add(value(r.get(c)));
          out.println(String.join(" ", values));
        }
      }
      case table -> {
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode r : array) {
          List<String> row = new ArrayList<>();
          for (String c : cols) row.add(cell(c, r.get(c)));
          rows.add(row);
        }
        out.print(table(cols, rows));
      }
    }
  }

  private List<String> withExtra(JsonNode record, List<String> cols) {
    if (!columns.isEmpty()) return cols;
    List<String> all = new ArrayList<>(cols);
    for (Iterator<String> it = record.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!all.contains(f)) all.add(f);
    }
    return all;
  }

  private static ObjectNode pick(JsonNode record, List<String> cols) {
    ObjectNode o = Api.JSON.createObjectNode();
    for (String c : cols) o.set(c, record.hasNonNull(c) ? record.get(c) : Api.JSON.nullNode());
    return o;
  }

  private static final com.fasterxml.jackson.core.util.DefaultPrettyPrinter PRETTY =
      new com.fasterxml.jackson.core.util.DefaultPrettyPrinter()
          .withArrayIndenter(
              com.fasterxml.jackson.core.util.DefaultIndenter.SYSTEM_LINEFEED_INSTANCE)
          .withSeparators(
              com.fasterxml.jackson.core.util.Separators.createDefaultInstance()
                  .withObjectFieldValueSpacing(
                      com.fasterxml.jackson.core.util.Separators.Spacing.AFTER));

  static String pretty(JsonNode node) {
    try {
      return Api.JSON.writer(PRETTY).writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * {@code -f value}: a scalar as it is, null as an empty string, anything else as compact JSON.
   */
  static String value(JsonNode v) {
    if (v == null || v.isNull() || v.isMissingNode()) return "";
    return v.isValueNode() ? v.asText() : v.toString();
  }

  /** A table cell: progress and failures as a person reads them, lists one item per line. */
  static String cell(String column, JsonNode v) {
    if (v == null || v.isNull() || v.isMissingNode()) return "";
    if (column.equals("progress") && v.isObject()) return Progress.describe(v);
    if (column.equals("failure") && v.isObject()) {
      StringBuilder b = new StringBuilder(v.path("type").asText("?"));
      if (v.hasNonNull("message")) b.append(": ").append(v.get("message").asText());
      for (JsonNode c : v.path("compensationFailures"))
        b.append("\nnot undone: ").append(c.asText());
      return b.toString();
    }
    if (v.isArray()) {
      List<String> items = new ArrayList<>();
      for (JsonNode e : v) items.add(e.isValueNode() ? e.asText() : e.toString());
      return String.join("\n", items);
    }
    if (v.isObject()) { // a result: one field a line
      List<String> lines = new ArrayList<>();
      v.fields()
          .forEachRemaining(
              e ->
                  lines.add(
                      e.getKey()
                          + ": "
                          + (e.getValue().isValueNode()
                              ? e.getValue().asText()
                              : e.getValue().toString())));
      return String.join("\n", lines);
    }
    return v.asText();
  }

  /** A box table as the openstack CLI draws it; a cell's lines stack in its row. */
  static String table(List<String> header, List<List<String>> rows) {
    int n = header.size();
    int[] width = new int[n];
    for (int i = 0; i < n; i++) width[i] = header.get(i).length();
    for (List<String> row : rows) {
      for (int i = 0; i < n; i++)
        for (String line : row.get(i).split("\n", -1)) width[i] = Math.max(width[i], line.length());
    }
    StringBuilder rule = new StringBuilder("+");
    for (int w : width) rule.append("-".repeat(w + 2)).append('+');
    rule.append('\n');
    StringBuilder b = new StringBuilder(rule);
    line(b, header, width);
    b.append(rule);
    for (List<String> row : rows) {
      List<String[]> cells = new ArrayList<>();
      int height = 1;
      for (String c : row) {
        String[] lines = c.split("\n", -1);
        cells.add(lines);
        height = Math.max(height, lines.length);
      }
      for (int h = 0; h < height; h++) {
        List<String> part = new ArrayList<>();
        for (String[] lines : cells) part.add(h < lines.length ? lines[h] : "");
        line(b, part, width);
      }
    }
    if (!rows.isEmpty()) b.append(rule);
    return b.toString();
  }

  private static void line(StringBuilder b, List<String> cells, int[] width) {
    b.append('|');
    for (int i = 0; i < cells.size(); i++) {
      String c = cells.get(i);
      b.append(' ').append(c).append(" ".repeat(width[i] - c.length())).append(" |");
    }
    b.append('\n');
  }

  /** YAML through Jackson's YAML module, loaded only for -f yaml. */
  static final class Yaml {
    /**
     * Plain where that is safe; quoted where a YAML 1.1 reader would take a string for something
     * else: numbers and booleans (Jackson's rules), and timestamps such as createdAt, which
     * PyYAML's safe_load turns into datetimes.
     */
    static final class Quoting
        extends com.fasterxml.jackson.dataformat.yaml.util.StringQuotingChecker.Default {
      @Override
      public boolean needToQuoteValue(String value) {
        return super.needToQuoteValue(value)
            || (!value.isEmpty() && Character.isDigit(value.charAt(0)));
      }
    }

    private static ObjectMapper mapper;

    static String write(JsonNode node) {
      try {
        if (mapper == null) {
          mapper =
              new com.fasterxml.jackson.dataformat.yaml.YAMLMapper(
                      com.fasterxml.jackson.dataformat.yaml.YAMLFactory.builder()
                          .stringQuotingChecker(new Quoting())
                          .build())
                  .disable(
                      com.fasterxml.jackson.dataformat.yaml.YAMLGenerator.Feature
                          .WRITE_DOC_START_MARKER)
                  .enable(
                      com.fasterxml.jackson.dataformat.yaml.YAMLGenerator.Feature.MINIMIZE_QUOTES)
                  .enable(
                      com.fasterxml.jackson.dataformat.yaml.YAMLGenerator.Feature
                          .ALWAYS_QUOTE_NUMBERS_AS_STRINGS);
        }
        return mapper.writeValueAsString(node);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
