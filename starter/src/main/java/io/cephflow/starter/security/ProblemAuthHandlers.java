package io.cephflow.starter.security;

import io.cephflow.starter.web.ProblemWriter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;

/**
 * 401 (no or a bad token) and 403 (a role that may not) as problem bodies, each audited if
 * mutating.
 */
final class ProblemAuthHandlers implements AuthenticationEntryPoint, AccessDeniedHandler {
  private final ProblemWriter problems;

  ProblemAuthHandlers(ProblemWriter problems) {
    this.problems = problems;
  }

  @Override
  public void commence(
      HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
      throws IOException {
    boolean presented = request.getHeader("Authorization") != null;
    response.setHeader(
        "WWW-Authenticate",
        presented
            ? "Bearer realm=\"cephflow\", error=\"invalid_token\""
            : "Bearer realm=\"cephflow\"");
    if (AuditLog.mutating(request)) AuditLog.line(request, null, 401, "");
    problems.write(
        request,
        response,
        401,
        "Unauthorized",
        presented
            ? "the bearer token was refused: " + safe(e.getMessage())
            : "this endpoint needs 'Authorization: Bearer <token>' (the CLI reads CEPHFLOW_TOKEN)");
  }

  @Override
  public void handle(
      HttpServletRequest request, HttpServletResponse response, AccessDeniedException e)
      throws IOException {
    var who = SecurityContextHolder.getContext().getAuthentication();
    if (AuditLog.mutating(request)) AuditLog.line(request, who, 403, "");
    problems.write(
        request,
        response,
        403,
        "Forbidden",
        "the caller's role may not "
            + request.getMethod()
            + " "
            + "this endpoint (reader: GET; operator: also create, delete, cancel; admin: everything)");
  }

  /** Spring's messages about tokens name no classes, but may be long (a JWT parse error). */
  private static String safe(String m) {
    if (m == null) return "invalid token";
    return m.length() > 200 ? m.substring(0, 200) + "…" : m;
  }
}
