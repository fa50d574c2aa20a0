package io.cephflow.starter;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.cephflow.starter.security.ApiTokens;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The auth matrix on every endpoint the API has (read from Spring's own handler mapping, so a new
 * endpoint is covered without editing this test): no token, a wrong token, an expired or foreign
 * JWT are 401; a reader may GET only; an operator may also POST and DELETE; admin may read the
 * actuator. "Allowed" means anything but 401/403: Temporal and Ceph are absent here on purpose.
 */
/**
 * A real API (Tomcat on a free port) with a reader, an operator (from a tokens file) and an admin
 * token, and a JWT signer; Temporal and Ceph are absent on purpose, so a request that gets past the
 * door ends 503. One Spring context for every test class that extends this.
 */
@SpringBootTest(
    classes = StarterApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability
public abstract class ApiTestSupport {
  protected static final String READER = "reader-token-0123456789abcdef";
  protected static final String OPERATOR = "operator-token-0123456789abcdef";
  protected static final String ADMIN = "admin-token-0123456789abcdef";
  protected static final String ID = "11111111-2222-4333-8444-555555555555";
  protected static KeyPair signer;
  protected static KeyPair stranger;

  @LocalServerPort protected int port;
  protected final HttpClient http = HttpClient.newHttpClient();

  @DynamicPropertySource
  static void props(DynamicPropertyRegistry r) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    signer = g.generateKeyPair();
    stranger = g.generateKeyPair();
    Path pem = Files.createTempFile("jwt-", ".pem");
    Files.writeString(
        pem,
        "-----BEGIN PUBLIC KEY-----\n"
            + Base64.getMimeEncoder().encodeToString(signer.getPublic().getEncoded())
            + "\n-----END PUBLIC KEY-----\n");
    pem.toFile().deleteOnExit();
    Path tokens = Files.createTempFile("tokens-", ".txt");
    Files.writeString(
        tokens, "# test tokens\nops operator sha256:" + ApiTokens.sha256Hex(OPERATOR) + "\n");
    tokens.toFile().deleteOnExit();
    r.add("cephflow.api.auth.tokens-file", tokens::toString);
    r.add("cephflow.api.auth.tokens[0].name", () -> "ro");
    r.add("cephflow.api.auth.tokens[0].role", () -> "reader");
    r.add("cephflow.api.auth.tokens[0].sha256", () -> ApiTokens.sha256Hex(READER));
    r.add("cephflow.api.auth.tokens[1].name", () -> "root");
    r.add("cephflow.api.auth.tokens[1].role", () -> "admin");
    r.add("cephflow.api.auth.tokens[1].sha256", () -> "sha256:" + ApiTokens.sha256Hex(ADMIN));
    r.add("cephflow.api.auth.jwt.public-key", pem::toString);
    r.add("cephflow.api.auth.jwt.audience", () -> "cephflow");
    r.add(
        "cephflow.temporal.target", () -> "127.0.0.1:1"); // nothing listens: allowed calls end 503
    r.add("cephflow.temporal.rpc-retry-expiration", () -> "500ms");
    r.add("cephflow.ceph.conf", () -> "/nonexistent/ceph.conf");
  }

  protected static String jwt(KeyPair key, List<String> roles, String audience, Instant expires)
      throws Exception {
    var claims =
        new JWTClaimsSet.Builder()
            .subject("alice")
            .audience(audience)
            .claim("roles", roles)
            .issueTime(Date.from(expires.minusSeconds(900)))
            .expirationTime(Date.from(expires))
            .build();
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), claims);
    jwt.sign(new RSASSASigner(key.getPrivate()));
    return jwt.serialize();
  }

  /** One request: a method and a path (query included). */
  public record Endpoint(String method, String path) {}

  protected HttpResponse<String> call(Endpoint e, String token) throws Exception {
    return call(e, token, "{}");
  }

  protected HttpResponse<String> call(Endpoint e, String token, String json) throws Exception {
    var b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + e.path()))
            .timeout(java.time.Duration.ofSeconds(30));
    if (token != null) b.header("Authorization", "Bearer " + token);
    if (e.method().equals("POST")) {
      b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
    } else {
      b.method(e.method(), HttpRequest.BodyPublishers.noBody());
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
