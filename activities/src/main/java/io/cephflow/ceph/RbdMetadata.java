package io.cephflow.ceph;

import io.cephflow.workflows.common.RbdRef;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/** Image metadata (key/value pairs stored with the image): where provenance lives. */
public interface RbdMetadata {
  Optional<String> get(RbdRef image, String key);

  void set(RbdRef image, String key, String value);

  default void setAll(RbdRef image, Map<String, String> entries) {
    entries.forEach((k, v) -> set(image, k, v));
  }

  Map<String, String> list(RbdRef image);

  /** Removes the key; a missing key is success. */
  void remove(RbdRef image, String key);

  /**
   * In one open of the image: removes every key that {@code drop} accepts and {@code entries} does
   * not set, then sets {@code entries}.
   */
  void replace(RbdRef image, Predicate<String> drop, Map<String, String> entries);
}
