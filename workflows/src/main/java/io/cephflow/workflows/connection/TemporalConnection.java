package io.cephflow.workflows.connection;

import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.serviceclient.ServiceStubsOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * How a process reaches Temporal: the frontend's address, the namespace, TLS (the server's CA, a
 * client certificate and key for mTLS, the name the server's certificate carries) and an API key.
 * The worker and the API build their service stubs through {@link #applyTo}, so both speak to a
 * secured cluster (or Temporal Cloud) the same way.
 *
 * @param apiKey sent as {@code authorization: Bearer <key>} on every call (needs TLS)
 * @param apiKeyFile the same, read from a file and read again whenever the file changes (a rotated
 *     Kubernetes Secret reaches a running process)
 */
public record TemporalConnection(
    String target, String namespace, Tls tls, String apiKey, Path apiKeyFile) {
  /** Temporal Cloud routes an API-key call by this header (its API-key samples set it). */
  static final Metadata.Key<String> NAMESPACE_HEADER =
      Metadata.Key.of("temporal-namespace", Metadata.ASCII_STRING_MARSHALLER);

  /**
   * @param enabled TLS to the frontend; without {@code caFile} the JVM's trusted CAs (Temporal
   *     Cloud)
   * @param caFile PEM: the only CA(s) the server's certificate may chain to
   * @param certFile PEM: this client's certificate (chain), for mTLS; needs {@code keyFile}
   * @param keyFile PEM, PKCS#8: its private key
   * @param serverName the name checked in the server's certificate (and sent as SNI) when it
   *     differs from the target's host, e.g. a target given as an IP address
   */
  public record Tls(boolean enabled, Path caFile, Path certFile, Path keyFile, String serverName) {
    public static Tls off() {
      return new Tls(false, null, null, null, null);
    }

    boolean mutual() {
      return certFile != null;
    }
  }

  public TemporalConnection {
    if (target == null || target.isBlank())
      throw new IllegalArgumentException("cephflow.temporal.target is required");
    if (namespace == null || namespace.isBlank())
      throw new IllegalArgumentException("cephflow.temporal.namespace is required");
    tls = tls == null ? Tls.off() : tls;
    apiKey = blankToNull(apiKey);
    boolean tlsSettings =
        tls.caFile() != null
            || tls.certFile() != null
            || tls.keyFile() != null
            || blankToNull(tls.serverName()) != null;
    if (tlsSettings && !tls.enabled()) {
      throw new IllegalArgumentException(
          "cephflow.temporal.tls.* is set but cephflow.temporal.tls.enabled is false");
    }
    if ((tls.certFile() == null) != (tls.keyFile() == null)) {
      throw new IllegalArgumentException(
          "mTLS needs both cephflow.temporal.tls.cert-file and cephflow.temporal.tls.key-file");
    }
    if (apiKey != null && apiKeyFile != null) {
      throw new IllegalArgumentException(
          "set cephflow.temporal.api-key or cephflow.temporal.api-key-file, not both");
    }
    if ((apiKey != null || apiKeyFile != null) && !tls.enabled()) {
      // a bearer key over plain text is readable by anyone on the path
      throw new IllegalArgumentException(
          "an API key is only sent over TLS: set cephflow.temporal.tls.enabled=true");
    }
  }

  /** A plain-text connection (the dev stack, the embedded test server). */
  public static TemporalConnection plain(String target, String namespace) {
    return new TemporalConnection(target, namespace, Tls.off(), null, null);
  }

  /** What this connection is, for a log line; never the key. */
  public String describe() {
    String security = !tls.enabled() ? "plain text" : tls.mutual() ? "mTLS" : "TLS";
    if (apiKey != null || apiKeyFile != null) security += " + API key";
    return target + " (namespace " + namespace + ", " + security + ")";
  }

  /**
   * Sets the target, TLS and the API key on a stubs builder (workflow, operator or any other
   * service stubs); reads the certificate files now, so a bad file fails the start.
   */
  public <B extends ServiceStubsOptions.Builder<B>> B applyTo(B builder) {
    builder.setTarget(target);
    if (tls.enabled()) {
      builder.setSslContext(sslContext());
      String name = blankToNull(tls.serverName());
      if (name != null) builder.setChannelInitializer(channel -> channel.overrideAuthority(name));
    }
    if (apiKey != null || apiKeyFile != null) {
      ApiKey key = apiKey != null ? new ApiKey(apiKey) : new ApiKey(apiKeyFile);
      builder.addApiKey(key::get);
      Metadata headers = new Metadata();
      headers.put(NAMESPACE_HEADER, namespace);
      builder.setHeaders(headers);
    }
    return builder;
  }

  private SslContext sslContext() {
    SslContextBuilder ssl = GrpcSslContexts.forClient();
    if (tls.caFile() != null) ssl.trustManager(readable(tls.caFile(), "tls.ca-file").toFile());
    if (tls.mutual()) {
      ssl.keyManager(
          readable(tls.certFile(), "tls.cert-file").toFile(),
          readable(tls.keyFile(), "tls.key-file").toFile());
    }
    try {
      return ssl.build();
    } catch (SSLException | IllegalArgumentException e) {
      throw new IllegalStateException(
          "cannot set up TLS to Temporal from cephflow.temporal.tls.* ("
              + e.getMessage()
              + "); the files must be PEM, the key PKCS#8",
          e);
    }
  }

  /**
   * One cheap round trip through the frontend (GetSystemInfo, which every SDK calls when it
   * connects): the server's version. Throws a gRPC StatusRuntimeException when Temporal is
   * unreachable, refuses our credentials or does not answer within {@code timeout}.
   */
  public static String ping(WorkflowServiceStubs stubs, Duration timeout) {
    return stubs
        .blockingStub()
        .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .getSystemInfo(GetSystemInfoRequest.getDefaultInstance())
        .getServerVersion();
  }

  /** What one {@link #ping} found: the server's version, or the gRPC status that refused it. */
  public record Reachability(boolean up, String detail) {}

  /**
   * {@link #ping}, its failure told as a status (a readiness check logs no stack at every probe).
   */
  public static Reachability reach(WorkflowServiceStubs stubs, Duration timeout) {
    try {
      return new Reachability(true, ping(stubs, timeout));
    } catch (io.grpc.StatusRuntimeException e) {
      return new Reachability(
          false, e.getStatus().getCode() + ": " + e.getStatus().getDescription());
    }
  }

  private static Path readable(Path file, String property) {
    if (!Files.isReadable(file))
      throw new IllegalStateException(
          "cephflow.temporal." + property + " " + file + " cannot be read");
    return file;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }

  /** The key, from a value or a file read again when its modification time or size changes. */
  static final class ApiKey {
    private final String fixed;
    private final Path file;
    private FileTime readAt;
    private long readSize = -1;
    private String value;

    ApiKey(String fixed) {
      this.fixed = fixed;
      this.file = null;
    }

    ApiKey(Path file) {
      this.fixed = null;
      this.file = file;
      get(); // a missing or empty file fails the start, not the first call
    }

    synchronized String get() {
      if (fixed != null) return fixed;
      try {
        FileTime modified = Files.getLastModifiedTime(file);
        long size = Files.size(file);
        if (value == null || !modified.equals(readAt) || size != readSize) {
          String read = Files.readString(file, StandardCharsets.UTF_8).trim();
          if (read.isEmpty())
            throw new IllegalStateException("cephflow.temporal.api-key-file " + file + " is empty");
          value = read;
          readAt = modified;
          readSize = size;
        }
        return value;
      } catch (IOException e) {
        if (value != null)
          return value; // mid-rotation: the key we had until the new one is readable
        throw new UncheckedIOException("cannot read cephflow.temporal.api-key-file " + file, e);
      }
    }
  }
}
