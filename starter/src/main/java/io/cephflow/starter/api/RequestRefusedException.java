package io.cephflow.starter.api;

import org.springframework.http.HttpStatus;

/**
 * A request the API refuses before any flow starts, with the status, the problem code and, when one
 * field is at fault, its name: an unknown hypervisor (404), a forbidden source (400), a size over
 * the configured maximum (400).
 */
public class RequestRefusedException extends RuntimeException {
  private final HttpStatus status;
  private final String code;
  private final String field;

  public RequestRefusedException(HttpStatus status, String code, String field, String message) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field;
  }

  public static RequestRefusedException invalid(String field, String message) {
    return new RequestRefusedException(HttpStatus.BAD_REQUEST, "InvalidRequest", field, message);
  }

  public HttpStatus status() {
    return status;
  }

  public String code() {
    return code;
  }

  public String field() {
    return field;
  }
}
