package io.cephflow.starter.security;

import java.util.List;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;

/**
 * Static bearer tokens ({@link ApiTokens}). A token it does not know is passed on to the JWT
 * provider when one is configured and the token looks like a JWT; otherwise it is refused.
 */
final class TokenAuthenticationProvider implements AuthenticationProvider {
  private final ApiTokens tokens;
  private final boolean jwtConfigured;

  TokenAuthenticationProvider(ApiTokens tokens, boolean jwtConfigured) {
    this.tokens = tokens;
    this.jwtConfigured = jwtConfigured;
  }

  /** An authenticated caller of a static token. */
  static final class Caller extends AbstractAuthenticationToken {
    private final String name;

    Caller(String name, Role role) {
      super(List.of(new SimpleGrantedAuthority(role.authority())));
      this.name = name;
      setAuthenticated(true);
    }

    @Override
    public Object getCredentials() {
      return "";
    }

    @Override
    public Object getPrincipal() {
      return name;
    }
  }

  @Override
  public Authentication authenticate(Authentication authentication) {
    String token = ((BearerTokenAuthenticationToken) authentication).getToken();
    var caller = tokens.lookup(token);
    if (caller.isPresent()) return new Caller(caller.get().name(), caller.get().role());
    if (jwtConfigured && token.chars().filter(c -> c == '.').count() == 2)
      return null; // the JWT provider's
    throw new InvalidBearerTokenException(
        "the bearer token is not known (revoked, mistyped or from another stack)");
  }

  @Override
  public boolean supports(Class<?> authentication) {
    return BearerTokenAuthenticationToken.class.isAssignableFrom(authentication);
  }
}
