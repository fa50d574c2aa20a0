package io.cephflow.ceph;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cephflow.workflows.common.ResourceRecord;

/**
 * How a {@link ResourceRecord} is stored in a {@link RecordStore}: JSON, unknown fields ignored
 * (newer writers).
 */
public final class RecordJson {
  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private RecordJson() {}

  /** The store key of a resource's record: {@code <kind>.<id>}. */
  public static String key(String kind, String id) {
    return kind + "." + id;
  }

  public static String write(ResourceRecord r) {
    try {
      return JSON.writeValueAsString(r);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Throws IllegalArgumentException for a value that is not a record. */
  public static ResourceRecord parse(String raw) {
    try {
      return JSON.readValue(raw, ResourceRecord.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "unreadable resource record: " + e.getOriginalMessage(), e);
    }
  }
}
