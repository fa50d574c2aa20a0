package io.cephflow.starter.api;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import org.springframework.boot.web.servlet.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * What the servlet container forwards to {@code /error} (an error outside any controller) is a
 * problem body too; {@code /error} asked for directly is simply not found.
 */
@RestController
@io.swagger.v3.oas.annotations.Hidden
public class ProblemErrorController implements ErrorController {
  @RequestMapping("${server.error.path:/error}")
  ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
    Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
    int status = code instanceof Integer i ? i : HttpStatus.NOT_FOUND.value();
    Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
    String detail =
        status >= 500
            ? "the API failed to answer; the error is in its log"
            : code == null ? "no such endpoint" : HttpStatus.valueOf(status).getReasonPhrase();
    ProblemDetail p = Problems.of(HttpStatusCode.valueOf(status), Problems.codeFor(status), detail);
    p.setInstance(URI.create(uri instanceof String s ? s : request.getRequestURI()));
    return Problems.response(p);
  }
}
