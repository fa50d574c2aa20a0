package io.cephflow.starter;

import io.cephflow.workflows.connection.TemporalConnection;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code cephflow.temporal.*} as the API reads it: the same keys as the worker's (target,
 * namespace, TLS, API key), plus how long a caller waits for an unreachable Temporal.
 *
 * @param target the Temporal frontend, {@code host:port}
 * @param namespace the Temporal namespace the flows run in
 * @param rpcRetryExpiration a request waits at most this long for Temporal before its 503
 * @param tls TLS to the frontend: {@code enabled}, {@code ca-file}, {@code cert-file} and {@code
 *     key-file} (mTLS), {@code server-name}
 * @param apiKey an API key (Temporal Cloud), sent only over TLS
 * @param apiKeyFile a file holding the API key, read again when it changes
 */
@ConfigurationProperties("cephflow.temporal")
public record ApiTemporalProperties(
    @DefaultValue("127.0.0.1:7233") String target,
    @DefaultValue("default") String namespace,
    @DefaultValue("10s") Duration rpcRetryExpiration,
    @DefaultValue TemporalConnection.Tls tls,
    String apiKey,
    Path apiKeyFile) {
  public TemporalConnection connection() {
    return new TemporalConnection(target, namespace, tls, apiKey, apiKeyFile);
  }
}
