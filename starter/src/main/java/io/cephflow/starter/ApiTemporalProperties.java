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
 * @param rpcRetryExpiration a request waits at most this long for Temporal before its 503
 */
@ConfigurationProperties("cephflow.temporal")
public record ApiTemporalProperties(@DefaultValue("127.0.0.1:7233") String target,
                                    @DefaultValue("default") String namespace,
                                    @DefaultValue("10s") Duration rpcRetryExpiration,
                                    @DefaultValue TemporalConnection.Tls tls, String apiKey, Path apiKeyFile) {
  public TemporalConnection connection() {
    return new TemporalConnection(target, namespace, tls, apiKey, apiKeyFile);
  }
}
