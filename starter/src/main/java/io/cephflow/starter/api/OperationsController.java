package io.cephflow.starter.api;

import io.cephflow.starter.client.CephflowClient;
import io.cephflow.starter.client.OperationStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Operations: the status, progress, result or typed failure of one flow. */
@RestController
@RequestMapping("/api/v1/operations")
public class OperationsController {
  private final CephflowClient client;

  public OperationsController(CephflowClient client) {
    this.client = client;
  }

  @GetMapping("/{id}")
  public OperationStatus get(@PathVariable String id) {
    if (!id.matches("[a-z-]{1,40}-[0-9a-f-]{36}")) throw new IllegalArgumentException("malformed operation id '" + id + "'");
    return client.status(id);
  }
}
