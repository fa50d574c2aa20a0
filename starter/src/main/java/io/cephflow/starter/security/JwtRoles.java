package io.cephflow.starter.security;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.springframework.core.convert.converter.Converter;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/**
 * A JWT's roles (reader, operator, admin) from the configured claim; names it does not know are
 * ignored.
 */
final class JwtRoles implements Converter<Jwt, AbstractAuthenticationToken> {
  private final String claim;

  JwtRoles(String claim) {
    this.claim = claim;
  }

  @Override
  public AbstractAuthenticationToken convert(Jwt jwt) {
    List<GrantedAuthority> roles = new ArrayList<>();
    Object value = jwt.getClaims().get(claim);
    Collection<?> names =
        value instanceof Collection<?> c
            ? c
            : value instanceof String s ? List.of(s.split("\\s+")) : List.of();
    for (Object n : names) {
      try {
        roles.add(new SimpleGrantedAuthority(Role.parse(String.valueOf(n)).authority()));
      } catch (IllegalArgumentException ignored) {
        // a role of another application in the same token
      }
    }
    return new JwtAuthenticationToken(jwt, roles, jwt.getSubject());
  }
}
