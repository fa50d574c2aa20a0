package io.cephflow.workflows.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * Ids for random lifecycle sequences: a few per kind, reused and crossed, and now and then a new
 * one.
 */
public final class IdPool {
  private IdPool() {}

  public static List<String> ids(int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) out.add(UUID.randomUUID().toString());
    return out;
  }

  /** An id used before, or (one time in three) a new one, which joins {@code ids}. */
  public static String pickOrNew(Random r, List<String> ids) {
    if (r.nextInt(3) != 0) return pick(r, ids);
    String id = UUID.randomUUID().toString();
    ids.add(id);
    return id;
  }

  public static String pick(Random r, List<String> ids) {
    return ids.get(r.nextInt(ids.size()));
  }
}
