package io.cephflow.starter.api;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.ResponseEntity;

/** The answer to a request that started (or attached to) a flow: 202 and where to watch it. */
final class Accepted {
  private Accepted() {}

  static ResponseEntity<Map<String, String>> operation(String operationId, String idField, String id) {
    URI location = URI.create("/api/v1/operations/" + operationId);
    Map<String, String> body = new LinkedHashMap<>();
    body.put("operationId", operationId);
    body.put(idField, id);
    body.put("location", location.toString());
    return ResponseEntity.accepted().location(location).body(body);
  }

  /** The caller's id, or a new one when absent (ids are chosen by the caller or by the starter). */
  static String idOrNew(String id) {
    return id == null || id.isBlank() ? UUID.randomUUID().toString() : id;
  }
}
