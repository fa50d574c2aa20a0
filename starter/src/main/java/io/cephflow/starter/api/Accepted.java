package io.cephflow.starter.api;

import io.cephflow.starter.security.AuditLog;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;

/** The answer to a request that started (or attached to) a flow: 202 and where to watch it. */
final class Accepted {
  private Accepted() {}

  static ResponseEntity<Map<String, String>> operation(
      String operationId, String idField, String id) {
    return operation(operationId, Map.of(idField, id));
  }

  /**
   * 202 with {@code Location}; the body: the operation, the ids the request names, the location.
   */
  static ResponseEntity<Map<String, String>> operation(
      String operationId, Map<String, String> ids) {
    URI location = URI.create("/api/v1/operations/" + operationId);
    Map<String, String> body = new LinkedHashMap<>();
    body.put("operationId", operationId);
    body.putAll(ids);
    body.put("location", location.toString());
    return ResponseEntity.accepted().location(location).body(audited(body));
  }

  /** The ids an accepted request names, for its audit line. */
  static Map<String, String> audited(Map<String, String> ids) {
    var attributes = RequestContextHolder.getRequestAttributes();
    if (attributes != null)
      attributes.setAttribute(AuditLog.IDS, Map.copyOf(ids), RequestAttributes.SCOPE_REQUEST);
    return ids;
  }

  /** The caller's id, or a new one when absent (ids are chosen by the caller or by the starter). */
  static String idOrNew(String id) {
    return id == null || id.isBlank() ? UUID.randomUUID().toString() : id;
  }
}
