package io.cephflow.starter.api;

import io.cephflow.starter.client.OperationNotCancelableException;
import io.cephflow.starter.client.OperationNotFoundException;
import io.cephflow.starter.client.OperationRefusedException;
import io.cephflow.starter.client.ResourceReader;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.client.WorkflowServiceException;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

/** Bad input is a 4xx with a reason a person can act on. */
@RestControllerAdvice
public class ApiErrors {
  @ExceptionHandler(IllegalArgumentException.class)
  ResponseEntity<Map<String, String>> badRequest(IllegalArgumentException e) {
    return error(HttpStatus.BAD_REQUEST, "InvalidRequest", e.getMessage());
  }

  @ExceptionHandler(HttpMessageNotReadableException.class)
  ResponseEntity<Map<String, String>> unreadable(HttpMessageNotReadableException e) {
    return error(HttpStatus.BAD_REQUEST, "InvalidRequest", "the request body is not valid JSON for this endpoint");
  }

  @ExceptionHandler(OperationNotFoundException.class)
  ResponseEntity<Map<String, String>> notFound(OperationNotFoundException e) {
    return error(HttpStatus.NOT_FOUND, "NotFound", e.getMessage());
  }

  /** Refused at the door: the id is taken or was used (409), the resource is missing (404) or in use (409). */
  @ExceptionHandler(OperationRefusedException.class)
  ResponseEntity<Map<String, String>> refused(OperationRefusedException e) {
    HttpStatus status = switch (e.type()) {
      case "NotFound" -> HttpStatus.NOT_FOUND;
      case "InvalidRequest" -> HttpStatus.BAD_REQUEST;
      default -> HttpStatus.CONFLICT;
    };
    return ResponseEntity.status(status).body(Map.of("error", e.type(), "reason", String.valueOf(e.getMessage()),
        "operationId", e.operationId()));
  }

  @ExceptionHandler(ResourceReader.ResourceNotFoundException.class)
  ResponseEntity<Map<String, String>> resourceNotFound(ResourceReader.ResourceNotFoundException e) {
    return error(HttpStatus.NOT_FOUND, "NotFound", e.getMessage());
  }

  @ExceptionHandler(ResourceReader.CephUnavailableException.class)
  ResponseEntity<Map<String, String>> cephUnavailable(ResourceReader.CephUnavailableException e) {
    return error(HttpStatus.SERVICE_UNAVAILABLE, "CephUnavailable", e.getMessage());
  }

  @ExceptionHandler(OperationNotCancelableException.class)
  ResponseEntity<Map<String, String>> notCancelable(OperationNotCancelableException e) {
    return error(HttpStatus.CONFLICT, "NotCancelable", e.getMessage());
  }

  @ExceptionHandler(MissingServletRequestParameterException.class)
  ResponseEntity<Map<String, String>> missing(MissingServletRequestParameterException e) {
    return error(HttpStatus.BAD_REQUEST, "InvalidRequest", "query parameter '" + e.getParameterName() + "' is required");
  }

  /** A query parameter bound into a record (a listing's limit, say) that has the wrong type. */
  @ExceptionHandler(org.springframework.validation.BindException.class)
  ResponseEntity<Map<String, String>> badBinding(org.springframework.validation.BindException e) {
    var field = e.getFieldError();
    String reason = field == null ? "the query parameters are not valid"
        : "'" + field.getField() + "' has the wrong type: " + field.getRejectedValue();
    return error(HttpStatus.BAD_REQUEST, "InvalidRequest", reason);
  }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
  ResponseEntity<Map<String, String>> mistyped(MethodArgumentTypeMismatchException e) {
    return error(HttpStatus.BAD_REQUEST, "InvalidRequest", "'" + e.getName() + "' has the wrong type: " + e.getValue());
  }

  /** What the Temporal server behind us cannot do (the embedded dev server cannot list). */
  @ExceptionHandler(UnsupportedOperationException.class)
  ResponseEntity<Map<String, String>> unsupported(UnsupportedOperationException e) {
    return error(HttpStatus.NOT_IMPLEMENTED, "NotSupported", e.getMessage());
  }

  /** Temporal cannot be reached or timed out (503: repeat the request), or refused it (502). */
  @ExceptionHandler(StatusRuntimeException.class)
  ResponseEntity<Map<String, String>> temporal(StatusRuntimeException e) {
    Status.Code code = e.getStatus().getCode();
    if (code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED) {
      return error(HttpStatus.SERVICE_UNAVAILABLE, "TemporalUnavailable", "the Temporal server does not answer ("
          + code + "); repeat the request when it is back (a start repeated with the same id attaches to its "
          + "operation if it did start, never runs it twice)");
    }
    return error(HttpStatus.BAD_GATEWAY, "TemporalError", code + ": " + e.getStatus().getDescription());
  }

  /** A start the Temporal client could not make: the same answers as above. */
  @ExceptionHandler(WorkflowServiceException.class)
  ResponseEntity<Map<String, String>> temporalStart(WorkflowServiceException e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof StatusRuntimeException s) return temporal(s);
    }
    return error(HttpStatus.BAD_GATEWAY, "TemporalError", String.valueOf(e.getMessage()));
  }

  static ResponseEntity<Map<String, String>> error(HttpStatus status, String type, String reason) {
    return ResponseEntity.status(status).body(Map.of("error", type, "reason", reason));
  }
}
