package io.cephflow.model;

import io.cephflow.ceph.RecordStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link RecordStore} in memory with the same atomic create, replace and remove (workflow-logic
 * and activity unit tests only).
 */
public class InMemoryRecordStore implements RecordStore {
  private final Map<String, String> values = new ConcurrentHashMap<>();

  private static String k(String pool, String key) {
    return pool + "/" + key;
  }

  @Override
  public Optional<String> read(String pool, String key) {
    return Optional.ofNullable(values.get(k(pool, key)));
  }

  @Override
  public boolean create(String pool, String key, String value) {
    return values.putIfAbsent(k(pool, key), value) == null;
  }

  @Override
  public boolean replace(String pool, String key, String expected, String value) {
    return values.replace(k(pool, key), expected, value);
  }

  @Override
  public List<String> keys(String pool) {
    List<String> out = new ArrayList<>();
    values
        .keySet()
        .forEach(
            k -> {
              if (k.startsWith(pool + "/")) out.add(k.substring(pool.length() + 1));
            });
    return out;
  }

  @Override
  public boolean remove(String pool, String key, String expected) {
    return values.remove(k(pool, key), expected);
  }
}
