package io.cephflow.starter.api;

import java.net.URI;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

/**
 * The one error shape of the API: RFC 9457 {@code application/problem+json}. {@code type} is {@code
 * /problems/<code>} (documented in docs/api.md), {@code error} repeats the code for scripts, {@code
 * detail} says what to do, {@code errors} lists the fields at fault.
 */
public final class Problems {
  private Problems() {}

  /** One field at fault: its JSON path ({@code sizeGb}, {@code query.limit}) and why. */
  public record FieldError(String field, String message) {}

  public static ProblemDetail of(HttpStatusCode status, String code, String detail) {
    ProblemDetail p = ProblemDetail.forStatusAndDetail(status, detail);
    p.setType(URI.create("/problems/" + code));
    HttpStatus known = HttpStatus.resolve(status.value());
    p.setTitle(known == null ? code : known.getReasonPhrase());
    p.setProperty("error", code);
    return p;
  }

  public static ProblemDetail invalid(String detail, List<FieldError> fields) {
    ProblemDetail p = of(HttpStatus.BAD_REQUEST, "InvalidRequest", detail);
    if (!fields.isEmpty()) p.setProperty("errors", fields);
    return p;
  }

  public static ResponseEntity<ProblemDetail> response(ProblemDetail p) {
    return ResponseEntity.status(p.getStatus())
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .body(p);
  }

  public static ResponseEntity<ProblemDetail> response(
      HttpStatusCode status, String code, String detail) {
    return response(of(status, code, detail));
  }

  /** The code a status means when nothing more specific is known (Spring's own errors). */
  public static String codeFor(int status) {
    return Map.of(
            400,
            "InvalidRequest",
            401,
            "Unauthorized",
            403,
            "Forbidden",
            404,
            "NotFound",
            405,
            "MethodNotAllowed",
            406,
            "NotAcceptable",
            413,
            "RequestTooLarge",
            415,
            "UnsupportedMediaType",
            431,
            "RequestTooLarge")
        .getOrDefault(status, status >= 500 ? "InternalError" : "InvalidRequest");
  }
}
