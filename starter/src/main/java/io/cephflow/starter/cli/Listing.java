package io.cephflow.starter.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * A listing's options (a mixin): {@code --state}, {@code --long}, and paging. Without {@code
 * --limit} or {@code --page-token} every page is fetched (1000 a request); with either, one page,
 * and the next page's token on stderr.
 */
final class Listing {
  static final List<String> STATES =
      List.of("creating", "available", "in-use", "deleting", "error", "deleted");
  private static final int PAGE = 1000;

  @Option(
      names = "--state",
      paramLabel = "STATE",
      order = 20,
      completionCandidates = States.class,
      converter = State.class,
      description =
          "only in this state: ${COMPLETION-CANDIDATES} (deleted: the tombstones "
              + "of deleted ids, listed only when asked for)")
  String state;

  @Option(names = "--long", order = 21, description = "every column, not only the usual few")
  boolean all;

  @Option(
      names = "--limit",
      paramLabel = "N",
      order = 22,
      converter = Limit.class,
      description = "one page of at most N (1-1000); the next page's token goes to stderr")
  Integer limit;

  @Option(
      names = "--page-token",
      paramLabel = "TOKEN",
      order = 23,
      description = "the page after this token (from a --limit listing)")
  String pageToken;

  /** The columns: -c, else every known one with --long, else the usual ones. */
  List<String> columns(Output output, List<String> known, List<String> usual) {
    return output.select(known, all ? known : usual);
  }

  /**
   * Every item of the listing at {@code path}, following {@code nextPageToken} unless one page was
   * asked for.
   */
  List<JsonNode> fetch(Api api, Cli.Context ctx, String path, Map<String, Object> filters) {
    List<JsonNode> items = new ArrayList<>();
    boolean onePage = limit != null || pageToken != null;
    String token = pageToken;
    do {
      Map<String, Object> q =
          Api.params("limit", limit != null ? limit : PAGE, "pageToken", token, "state", state);
      q.putAll(filters);
      JsonNode page = api.get(path, q);
      for (Iterator<JsonNode> it = page.path("items").elements(); it.hasNext(); )
        items.add(it.next());
      token = page.hasNonNull("nextPageToken") ? page.get("nextPageToken").asText() : null;
    } while (token != null && !onePage);
    if (onePage && token != null) ctx.err().println("cephflow: more: --page-token " + token);
    return items;
  }

  static final class States implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return STATES.iterator();
    }
  }

  static final class State implements CommandLine.ITypeConverter<String> {
    @Override
    public String convert(String value) {
      if (!STATES.contains(value)) {
        throw new CommandLine.TypeConversionException(
            "expected one of " + String.join(", ", STATES) + " but was '" + value + "'");
      }
      return value;
    }
  }

  static final class Limit implements CommandLine.ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
      int v = ApiCommand.whole(value, Integer::parseInt);
      if (v < 1 || v > 1000)
        throw new CommandLine.TypeConversionException("must be 1..1000, got " + v);
      return v;
    }
  }
}
