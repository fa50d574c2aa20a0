package io.cephflow.inventory;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;

/**
 * A listing's page and filters. {@code pageToken} is opaque to callers (the last id of the previous
 * page); {@code name} filters images by exact name; {@code state} by lifecycle state ({@code
 * creating}, {@code available}, {@code in-use}, {@code deleting}, {@code error}, and {@code
 * deleted}, the tombstones, listed only when asked for).
 */
public record Query(int limit, String pageToken, String name, String state) {
  public static final int DEFAULT_LIMIT = 100;
  public static final int MAX_LIMIT = 1000;
  public static final Set<String> STATES =
      Set.of("creating", "available", "in-use", "deleting", "error", "deleted");

  public Query {
    if (limit == 0) limit = DEFAULT_LIMIT;
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException(
          "limit must be between 1 and " + MAX_LIMIT + ", got " + limit);
    }
    if (state != null && !STATES.contains(state)) {
      throw new IllegalArgumentException(
          "state must be one of " + STATES + ", got '" + state + "'");
    }
    if (pageToken != null && pageToken.isBlank()) pageToken = null;
    if (pageToken != null) after(pageToken); // validates
  }

  public static Query all() {
    return new Query(MAX_LIMIT, null, null, null);
  }

  /** The id a page starts after. */
  String after() {
    return pageToken == null ? null : after(pageToken);
  }

  private static String after(String token) {
    try {
      String id = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
      if (!id.matches("[0-9a-f-]{36}")) throw new IllegalArgumentException();
      return id;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("pageToken is not one this API returned");
    }
  }

  static String tokenAfter(String id) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(id.getBytes(StandardCharsets.UTF_8));
  }
}
