package io.cephflow.starter.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * One line per mutating request on logger {@code cephflow.audit}: who, what, which ids, outcome.
 * Requests refused before this filter (401, 403) are logged by {@link ProblemAuthHandlers}.
 */
public final class AuditLog extends OncePerRequestFilter {
  /** Request attribute the controllers fill with the ids an accepted request names. */
  public static final String IDS = "cephflow.audit.ids";

  private static final Logger log = LoggerFactory.getLogger("cephflow.audit");

  static boolean mutating(HttpServletRequest r) {
    return !("GET".equals(r.getMethod())
        || "HEAD".equals(r.getMethod())
        || "OPTIONS".equals(r.getMethod()));
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    if (!mutating(request)) {
      chain.doFilter(request, response);
      return;
    }
    Authentication who = SecurityContextHolder.getContext().getAuthentication();
    try {
      chain.doFilter(request, response);
    } finally {
      line(request, who, response.getStatus(), ids(request));
    }
  }

  static void line(HttpServletRequest request, Authentication who, int status, String ids) {
    String name = who == null || !who.isAuthenticated() ? "-" : who.getName();
    String roles =
        who == null
            ? "-"
            : who.getAuthorities().stream()
                .map(GrantedAuthority::getAuthority)
                .map(a -> a.replace("ROLE_", "").toLowerCase(java.util.Locale.ROOT))
                .collect(Collectors.joining(","));
    log.info(
        "audit caller={} roles={} remote={} method={} path={} status={} {}",
        name,
        roles.isEmpty() ? "-" : roles,
        request.getRemoteAddr(),
        request.getMethod(),
        request.getRequestURI(),
        status,
        ids);
  }

  @SuppressWarnings("unchecked")
  private static String ids(HttpServletRequest request) {
    Object ids = request.getAttribute(IDS);
    if (!(ids instanceof Map<?, ?> m) || m.isEmpty()) return "";
    return ((Map<String, String>) m)
        .entrySet().stream()
            .map(e -> e.getKey() + "=" + e.getValue())
            .collect(Collectors.joining(" "));
  }
}
