package io.cephflow.starter.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cephflow.starter.api.Problems;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;

/** Writes a problem body from a servlet filter (where no controller advice runs). */
public final class ProblemWriter {
  private final ObjectMapper json;

  public ProblemWriter(ObjectMapper json) {
    this.json = json;
  }

  public void write(
      HttpServletRequest request,
      HttpServletResponse response,
      int status,
      String code,
      String detail)
      throws IOException {
    write(request, response, Problems.of(HttpStatusCode.valueOf(status), code, detail));
  }

  public void write(HttpServletRequest request, HttpServletResponse response, ProblemDetail p)
      throws IOException {
    if (response.isCommitted()) return;
    try {
      p.setInstance(URI.create(request.getRequestURI()));
    } catch (IllegalArgumentException e) {
      // a path the firewall refused may not even be a URI: the problem then names none
    }
    response.setStatus(p.getStatus());
    response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
    json.writeValue(response.getOutputStream(), p);
  }
}
