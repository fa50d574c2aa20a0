package io.cephflow.ceph;

import java.util.Map;
import java.util.Optional;

/** Image metadata (key/value pairs stored with the image): where provenance lives. */
public interface RbdMetadata {
  Optional<String> get(ImageRef image, String key);

  void set(ImageRef image, String key, String value);

  default void setAll(ImageRef image, Map<String, String> entries) {
    entries.forEach((k, v) -> set(image, k, v));
  }

  Map<String, String> list(ImageRef image);

  /** Removes the key; a missing key is success. */
  void remove(ImageRef image, String key);
}
