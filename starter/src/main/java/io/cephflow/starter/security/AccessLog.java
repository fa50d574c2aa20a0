package io.cephflow.starter.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * One line per request on logger {@code cephflow.access}: method, path (no query: a query may name
 * what a caller looks for, never credentials, but it is not needed), status, duration and caller;
 * in JSON logs also as ECS fields ({@code http.request.method}, {@code url.path}, {@code
 * http.response.status_code}, {@code event.duration} in nanoseconds, {@code user.name}). The
 * probes' requests are logged at DEBUG only (the kubelet asks every few seconds). Who did what to
 * which resource is the audit line's job ({@link AuditLog}, mutating requests only); this line is
 * the same for every request.
 *
 * <p>In the security chain right after the security context is set up, so it sees the caller the
 * authentication filters found and the status the refusal handlers wrote.
 */
public final class AccessLog extends OncePerRequestFilter {
  private static final Logger log = LoggerFactory.getLogger("cephflow.access");

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    long started = System.nanoTime();
    try {
      chain.doFilter(request, response);
    } finally {
      line(
          request,
          response.getStatus(),
          System.nanoTime() - started,
          SecurityContextHolder.getContext().getAuthentication());
    }
  }

  static void line(HttpServletRequest request, int status, long nanos, Authentication who) {
    boolean probe = request.getRequestURI().startsWith("/actuator/health/");
    if (probe ? !log.isDebugEnabled() : !log.isInfoEnabled()) return;
    String caller = who == null || !who.isAuthenticated() ? "-" : who.getName();
    (probe ? log.atDebug() : log.atInfo())
        .addKeyValue("http.request.method", request.getMethod())
        .addKeyValue("url.path", request.getRequestURI())
        .addKeyValue("http.response.status_code", status)
        .addKeyValue("event.duration", nanos)
        .addKeyValue("user.name", caller)
        .log(
            "{} {} {} {} ms caller={}",
            request.getMethod(),
            request.getRequestURI(),
            status,
            nanos / 1_000_000,
            caller);
  }
}
