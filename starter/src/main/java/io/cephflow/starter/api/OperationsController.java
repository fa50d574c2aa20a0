package io.cephflow.starter.api;

import io.cephflow.starter.client.CephflowClient;
import io.cephflow.starter.client.OperationStatus;
import io.cephflow.starter.client.OperationSummary;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Operations: the status, progress, result or typed failure of one flow, its cancellation; the
 * flows that touched a resource.
 */
@RestController
@RequestMapping("/api/v1/operations")
public class OperationsController {
  private final CephflowClient client;

  public OperationsController(CephflowClient client) {
    this.client = client;
  }

  /**
   * {@code GET /api/v1/operations?resource=image:<id>}: every operation on one resource, newest
   * first.
   */
  @GetMapping
  public Map<String, Object> list(
      @RequestParam String resource, @RequestParam(defaultValue = "100") int limit) {
    if (limit < 1 || limit > 1000)
      throw new IllegalArgumentException("limit must be 1..1000, got " + limit);
    List<OperationSummary> ops = client.list(resource, limit);
    return Map.of("resource", resource, "operations", ops);
  }

  /** The longest a {@code GET /operations/{id}?waitSeconds=N} holds its answer. */
  static final int MAX_WAIT_SECONDS = 30;

  /**
   * {@code GET /api/v1/operations/{id}}: the status now; with {@code waitSeconds=N} a RUNNING
   * operation's answer waits up to N s for it to end (a long poll on its result in Temporal), so a
   * caller that waits learns of the end at once instead of at its next poll.
   */
  @GetMapping("/{id}")
  public OperationStatus get(
      @PathVariable String id, @RequestParam(defaultValue = "0") int waitSeconds) {
    if (waitSeconds < 0 || waitSeconds > MAX_WAIT_SECONDS) {
      throw new IllegalArgumentException(
          "waitSeconds must be 0.." + MAX_WAIT_SECONDS + ", got " + waitSeconds);
    }
    checked(id);
    if (waitSeconds == 0) return client.status(id);
    return client.await(id, waitSeconds, java.util.concurrent.TimeUnit.SECONDS);
  }

  /**
   * {@code POST /api/v1/operations/{id}/cancel}: 202 with the status once the request is recorded;
   * the flow then compensates and ends CANCELED. 409 for a delete or an ended one.
   */
  @PostMapping("/{id}/cancel")
  @ResponseStatus(HttpStatus.ACCEPTED)
  public ResponseEntity<OperationStatus> cancel(@PathVariable String id) {
    return ResponseEntity.accepted().body(client.cancel(checked(id)));
  }

  private static String checked(String id) {
    if (!id.matches("[a-z-]{1,40}-[0-9a-f-]{36}"))
      throw new IllegalArgumentException("malformed operation id '" + id + "'");
    return id;
  }
}
