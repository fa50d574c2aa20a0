package io.cephflow.starter.security;

import java.nio.file.Path;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How callers prove who they are ({@code cephflow.api.auth}).
 *
 * @param tokensFile static bearer tokens, one per line: {@code <name> <role> sha256:<hex>} (only
 *     the SHA-256 of each token is stored; the file is re-read when it changes)
 * @param tokens the same entries inline (e.g. from a Kubernetes secret rendered into config)
 * @param jwt JWT/OIDC bearer tokens, for deployments with an identity provider
 * @param publicDocs whether the OpenAPI document and Swagger UI load without a token (they describe
 *     the API, hold no data; Swagger UI must load before one can authorize in it)
 */
@ConfigurationProperties("cephflow.api.auth")
public record AuthProperties(
    Path tokensFile, List<TokenEntry> tokens, Jwt jwt, @DefaultValue("true") boolean publicDocs) {
  public AuthProperties {
    tokensFile = tokensFile == null || tokensFile.toString().isBlank() ? null : tokensFile;
    tokens = tokens == null ? List.of() : List.copyOf(tokens);
    jwt = jwt == null ? new Jwt(null, null, null, null, "roles") : jwt;
  }

  public record TokenEntry(String name, String role, String sha256) {}

  /**
   * @param issuerUri the OIDC issuer: its discovery document names the keys (fetched on first use)
   * @param jwkSetUri the keys' URL, when there is no discovery document
   * @param publicKey a PEM RSA public key file, for a fixed signer (and offline tests)
   * @param audience when set, a token must name it in {@code aud}
   * @param rolesClaim the claim holding the roles (a list, or a space-separated string)
   */
  public record Jwt(
      String issuerUri,
      String jwkSetUri,
      Path publicKey,
      String audience,
      @DefaultValue("roles") String rolesClaim) {
    /**
     * An empty environment variable (application.yml's {@code ${CEPHFLOW_API_JWT_ISSUER:}}) is
     * unset.
     */
    public Jwt {
      issuerUri = present(issuerUri) ? issuerUri : null;
      jwkSetUri = present(jwkSetUri) ? jwkSetUri : null;
      audience = present(audience) ? audience : null;
    }

    public boolean configured() {
      return present(issuerUri) || present(jwkSetUri) || publicKey != null;
    }

    private static boolean present(String s) {
      return s != null && !s.isBlank();
    }
  }
}
