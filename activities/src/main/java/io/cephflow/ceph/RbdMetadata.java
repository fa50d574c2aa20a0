package io.cephflow.ceph;

import io.cephflow.workflows.common.RbdRef;
import java.util.Map;
import java.util.Optional;

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
}
