package io.cephflow.starter.security;

import io.cephflow.starter.web.ProblemWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.access.hierarchicalroles.RoleHierarchy;
import org.springframework.security.access.hierarchicalroles.RoleHierarchyImpl;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationProvider;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.context.SecurityContextHolderFilter;
import org.springframework.security.web.firewall.RequestRejectedHandler;

/**
 * Every endpoint but the probes (and, by default, the API's own documentation) needs a bearer
 * token: a static one ({@link ApiTokens}) or a JWT from the configured issuer. Readers may GET,
 * operators may also create, delete and cancel, admins may also read the actuator.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(AuthProperties.class)
public class SecurityConfig {
  @Bean
  ApiTokens apiTokens(AuthProperties props) {
    ApiTokens tokens = new ApiTokens(props.tokensFile(), props.tokens());
    if (tokens.count() == 0 && !props.jwt().configured()) {
      LoggerFactory.getLogger(SecurityConfig.class)
          .warn(
              "no API token and no JWT issuer is configured: every "
                  + "request but the health probes will be refused (set cephflow.api.auth.tokens-file, see docs/api.md)");
    }
    return tokens;
  }

  @Bean
  RoleHierarchy roleHierarchy() {
    return RoleHierarchyImpl.fromHierarchy(
        "ROLE_ADMIN > ROLE_OPERATOR\nROLE_OPERATOR > ROLE_READER");
  }

  @Bean
  SecurityFilterChain apiSecurity(
      HttpSecurity http, AuthProperties props, ApiTokens tokens, ProblemWriter problems)
      throws Exception {
    var handlers = new ProblemAuthHandlers(problems);
    AuthenticationManager manager = authenticationManager(props, tokens);
    http.csrf(c -> c.disable()) // bearer tokens only: no cookie a browser would send on its own
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .httpBasic(b -> b.disable())
        .formLogin(f -> f.disable())
        .logout(l -> l.disable())
        .requestCache(r -> r.disable())
        .exceptionHandling(e -> e.authenticationEntryPoint(handlers).accessDeniedHandler(handlers))
        .oauth2ResourceServer(
            o ->
                o.authenticationManagerResolver(request -> manager)
                    .authenticationEntryPoint(handlers)
                    .accessDeniedHandler(handlers))
        .addFilterAfter(new AccessLog(), SecurityContextHolderFilter.class)
        .addFilterAfter(new AuditLog(), AuthorizationFilter.class)
        .authorizeHttpRequests(
            a -> {
              a.requestMatchers("/actuator/health/liveness", "/actuator/health/readiness", "/error")
                  .permitAll();
              if (props.publicDocs()) {
                a.requestMatchers(
                        "/v3/api-docs", "/v3/api-docs/**", "/swagger-ui.html", "/swagger-ui/**")
                    .permitAll();
              }
              a.requestMatchers(HttpMethod.GET, "/api/**")
                  .hasRole("READER")
                  .requestMatchers(HttpMethod.POST, "/api/**")
                  .hasRole("OPERATOR")
                  .requestMatchers(HttpMethod.DELETE, "/api/**")
                  .hasRole("OPERATOR")
                  .requestMatchers("/actuator/prometheus")
                  .hasRole("READER")
                  .anyRequest()
                  .hasRole("ADMIN");
            });
    return http.build();
  }

  /**
   * What Spring Security's firewall refuses before any filter runs (a parameter or header name with
   * control or unassigned characters, an encoded slash, ...) is a 400 problem, not a 500.
   */
  @Bean
  RequestRejectedHandler requestRejected(ProblemWriter problems) {
    return (request, response, e) -> {
      problems.write(
          request, response, 400, "InvalidRequest", "the request was refused: " + e.getMessage());
      AccessLog.line(
          request, 400, 0, null); // refused before the security chain (and its access line) ran
    };
  }

  private static AuthenticationManager authenticationManager(AuthProperties props, ApiTokens tokens)
      throws IOException {
    List<AuthenticationProvider> providers = new ArrayList<>();
    providers.add(new TokenAuthenticationProvider(tokens, props.jwt().configured()));
    if (props.jwt().configured()) {
      JwtAuthenticationProvider jwt = new JwtAuthenticationProvider(jwtDecoder(props.jwt()));
      jwt.setJwtAuthenticationConverter(new JwtRoles(props.jwt().rolesClaim()));
      providers.add(jwt);
    }
    return new ProviderManager(providers);
  }

  static NimbusJwtDecoder jwtDecoder(AuthProperties.Jwt c) throws IOException {
    NimbusJwtDecoder decoder;
    if (c.publicKey() != null) {
      decoder = NimbusJwtDecoder.withPublicKey(rsaKey(Files.readString(c.publicKey()))).build();
    } else if (c.jwkSetUri() != null && !c.jwkSetUri().isBlank()) {
      decoder = NimbusJwtDecoder.withJwkSetUri(c.jwkSetUri()).build();
    } else {
      decoder =
          NimbusJwtDecoder.withIssuerLocation(c.issuerUri()).build(); // discovery on first use
    }
    List<OAuth2TokenValidator<Jwt>> checks = new ArrayList<>();
    checks.add(
        c.issuerUri() == null || c.issuerUri().isBlank()
            ? JwtValidators.createDefault()
            : JwtValidators.createDefaultWithIssuer(c.issuerUri()));
    if (c.audience() != null && !c.audience().isBlank()) {
      checks.add(
          new JwtClaimValidator<List<String>>(
              "aud", aud -> aud != null && aud.contains(c.audience())));
    }
    decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(checks));
    return decoder;
  }

  private static RSAPublicKey rsaKey(String pem) {
    String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    try {
      return (RSAPublicKey)
          KeyFactory.getInstance("RSA")
              .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64)));
    } catch (java.security.GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "cephflow.api.auth.jwt.public-key is not a PEM RSA public key", e);
    }
  }
}
