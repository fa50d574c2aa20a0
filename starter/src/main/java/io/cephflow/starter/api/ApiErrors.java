package io.cephflow.starter.api;

import io.cephflow.starter.client.OperationNotCancelableException;
import io.cephflow.starter.client.OperationNotFoundException;
import io.cephflow.starter.client.OperationRefusedException;
import io.cephflow.starter.client.ResourceReader;
import io.cephflow.starter.client.ServerHosts;
import io.cephflow.starter.web.BodyLimitFilter;
import io.cephflow.starter.web.JsonErrors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.client.WorkflowServiceException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Every error is a problem body ({@link Problems}) with a stable code and a reason a person can act
 * on; Spring's own (404, 405, 415, ...) are reshaped the same way. No Java class name ever reaches
 * the caller.
 */
@RestControllerAdvice
public class ApiErrors extends ResponseEntityExceptionHandler {
  private static final Logger log = LoggerFactory.getLogger(ApiErrors.class);

  @ExceptionHandler(IllegalArgumentException.class)
  ResponseEntity<ProblemDetail> badRequest(IllegalArgumentException e) {
    return Problems.response(HttpStatus.BAD_REQUEST, "InvalidRequest", e.getMessage());
  }

  /**
   * Spring Security's firewall checks parameter names when they are read (binding a listing's
   * query), inside the controller: a name with control or unassigned characters is a 400.
   */
  @ExceptionHandler(org.springframework.security.web.firewall.RequestRejectedException.class)
  ResponseEntity<ProblemDetail> rejectedByTheFirewall(RuntimeException e) {
    return Problems.response(
        HttpStatus.BAD_REQUEST, "InvalidRequest", "the request was refused: " + e.getMessage());
  }

  @ExceptionHandler(RequestRefusedException.class)
  ResponseEntity<ProblemDetail> refusedAtTheDoor(RequestRefusedException e) {
    ProblemDetail p = Problems.of(e.status(), e.code(), e.getMessage());
    if (e.field() != null)
      p.setProperty("errors", List.of(new Problems.FieldError(e.field(), e.getMessage())));
    return Problems.response(p);
  }

  @Override
  protected ResponseEntity<Object> handleHttpMessageNotReadable(
      HttpMessageNotReadableException e,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    if (BodyLimitFilter.isCause(e)) {
      return cast(
          Problems.response(
              HttpStatus.PAYLOAD_TOO_LARGE, "RequestTooLarge", String.valueOf(rootMessage(e))));
    }
    return cast(
        Problems.response(
            Problems.invalid(JsonErrors.detail(e.getCause()), JsonErrors.fields(e.getCause()))));
  }

  @Override
  protected ResponseEntity<Object> handleMissingServletRequestParameter(
      MissingServletRequestParameterException e,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    return cast(
        Problems.response(
            Problems.invalid(
                "query parameter '" + e.getParameterName() + "' is required",
                List.of(new Problems.FieldError(e.getParameterName(), "is required")))));
  }

  /** Spring's own errors keep their status and detail, in our shape. */
  @Override
  protected ResponseEntity<Object> handleExceptionInternal(
      Exception e, Object body, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
    String detail =
        body instanceof ProblemDetail p && p.getDetail() != null
            ? p.getDetail()
            : status.toString();
    ProblemDetail problem = Problems.of(status, Problems.codeFor(status.value()), detail);
    return ResponseEntity.status(status)
        .headers(headers)
        .contentType(org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON)
        .body(problem);
  }

  @ExceptionHandler(OperationNotFoundException.class)
  ResponseEntity<ProblemDetail> notFound(OperationNotFoundException e) {
    return Problems.response(HttpStatus.NOT_FOUND, "NotFound", e.getMessage());
  }

  /**
   * Refused at the door: the id is taken or was used (409), the resource is missing (404) or in use
   * (409).
   */
  @ExceptionHandler(OperationRefusedException.class)
  ResponseEntity<ProblemDetail> refused(OperationRefusedException e) {
    HttpStatus status =
        switch (e.type()) {
          case "NotFound" -> HttpStatus.NOT_FOUND;
          case "InvalidRequest" -> HttpStatus.BAD_REQUEST;
          default -> HttpStatus.CONFLICT;
        };
    ProblemDetail p = Problems.of(status, e.type(), String.valueOf(e.getMessage()));
    p.setProperty("operationId", e.operationId());
    return Problems.response(p);
  }

  @ExceptionHandler(ResourceReader.ResourceNotFoundException.class)
  ResponseEntity<ProblemDetail> resourceNotFound(ResourceReader.ResourceNotFoundException e) {
    return Problems.response(HttpStatus.NOT_FOUND, "NotFound", e.getMessage());
  }

  @ExceptionHandler(ResourceReader.CephUnavailableException.class)
  ResponseEntity<ProblemDetail> cephUnavailable(ResourceReader.CephUnavailableException e) {
    return Problems.response(HttpStatus.SERVICE_UNAVAILABLE, "CephUnavailable", e.getMessage());
  }

  /**
   * Hosts report, and none has room for this server: a conflict with the fleet's state, not a fault
   * of the API (a 5xx would read as "repeat it"); {@code Retry-After} when some host could hold it
   * once servers go, none when it is larger than any host.
   */
  @ExceptionHandler(ServerHosts.NoHypervisorAvailableException.class)
  ResponseEntity<ProblemDetail> noHypervisor(ServerHosts.NoHypervisorAvailableException e) {
    ResponseEntity<ProblemDetail> r =
        Problems.response(HttpStatus.CONFLICT, "NoHypervisorAvailable", e.getMessage());
    var b = ResponseEntity.status(r.getStatusCode()).headers(r.getHeaders());
    if (e.mayFitLater()) b.header("Retry-After", "30");
    return b.body(r.getBody());
  }

  @ExceptionHandler(OperationNotCancelableException.class)
  ResponseEntity<ProblemDetail> notCancelable(OperationNotCancelableException e) {
    return Problems.response(HttpStatus.CONFLICT, "NotCancelable", e.getMessage());
  }

  /** A query parameter bound into a record (a listing's limit, say) that has the wrong type. */
  @ExceptionHandler(org.springframework.validation.BindException.class)
  ResponseEntity<ProblemDetail> badBinding(org.springframework.validation.BindException e) {
    var field = e.getFieldError();
    if (field == null)
      return Problems.response(Problems.invalid("the query parameters are not valid", List.of()));
    String why = "has the wrong type: " + field.getRejectedValue();
    return Problems.response(
        Problems.invalid(
            "'" + field.getField() + "' " + why,
            List.of(new Problems.FieldError(field.getField(), why))));
  }

  @ExceptionHandler(MethodArgumentTypeMismatchException.class)
  ResponseEntity<ProblemDetail> mistyped(MethodArgumentTypeMismatchException e) {
    String why = "has the wrong type: " + e.getValue();
    return Problems.response(
        Problems.invalid(
            "'" + e.getName() + "' " + why, List.of(new Problems.FieldError(e.getName(), why))));
  }

  /** What the Temporal server behind us cannot do (the embedded dev server cannot list). */
  @ExceptionHandler(UnsupportedOperationException.class)
  ResponseEntity<ProblemDetail> unsupported(UnsupportedOperationException e) {
    return Problems.response(HttpStatus.NOT_IMPLEMENTED, "NotSupported", e.getMessage());
  }

  /** Temporal cannot be reached or timed out (503: repeat the request), or refused it (502). */
  @ExceptionHandler(StatusRuntimeException.class)
  ResponseEntity<ProblemDetail> temporal(StatusRuntimeException e) {
    Status.Code code = e.getStatus().getCode();
    if (code == Status.Code.RESOURCE_EXHAUSTED) {
      // "Workflow is busy" and the server's rate limits: nothing refused, try again shortly
      return Problems.response(
          HttpStatus.SERVICE_UNAVAILABLE,
          "TemporalBusy",
          "the Temporal server is busy ("
              + e.getStatus().getDescription()
              + "); repeat the request in a moment");
    }
    if (code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED) {
      return Problems.response(
          HttpStatus.SERVICE_UNAVAILABLE,
          "TemporalUnavailable",
          "the Temporal server does not "
              + "answer ("
              + code
              + "); repeat the request when it is back (a start repeated with the same id attaches to "
              + "its operation if it did start, never runs it twice)");
    }
    return Problems.response(
        HttpStatus.BAD_GATEWAY, "TemporalError", code + ": " + e.getStatus().getDescription());
  }

  /** A start the Temporal client could not make: the same answers as above. */
  @ExceptionHandler(WorkflowServiceException.class)
  ResponseEntity<ProblemDetail> temporalStart(WorkflowServiceException e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof StatusRuntimeException s) return temporal(s);
    }
    return Problems.response(
        HttpStatus.BAD_GATEWAY, "TemporalError", "the Temporal server refused the request");
  }

  /** A bug of ours: logged with its stack, answered without it. */
  @ExceptionHandler(RuntimeException.class)
  ResponseEntity<ProblemDetail> unexpected(RuntimeException e) {
    log.error("unexpected error answering a request", e);
    return Problems.response(
        HttpStatus.INTERNAL_SERVER_ERROR,
        "InternalError",
        "the API failed to answer; the error is in its log");
  }

  private static String rootMessage(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof BodyLimitFilter.BodyTooLargeException) return c.getMessage();
    }
    return t.getMessage();
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static ResponseEntity<Object> cast(ResponseEntity<ProblemDetail> r) {
    return (ResponseEntity) r;
  }
}
