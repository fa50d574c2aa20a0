package io.cephflow.transfer;

import io.cephflow.workflows.common.Failures;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.util.List;
import org.apache.hc.client5.http.ClientProtocolException;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.config.TlsConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.BasicHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.ManagedHttpClientConnectionFactory;
import org.apache.hc.client5.http.io.ManagedHttpClientConnection;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.client5.http.ssl.TlsSocketStrategy;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpHeaders;
import org.apache.hc.core5.http.MessageConstraintException;
import org.apache.hc.core5.http.NoHttpResponseException;
import org.apache.hc.core5.http.ProtocolException;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.config.RegistryBuilder;
import org.apache.hc.core5.http.io.HttpConnectionFactory;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.Timeout;

/**
 * One GET with Apache HttpClient to addresses {@link Sources} already vetted. A client per request:
 * its resolver knows only that request's host, and its one connection is never reused. Redirects,
 * retries, decompression, cookies and authentication are off: redirects are ours to vet, retries
 * are Temporal's, and the rest has no business with an image download.
 */
final class HttpSource {
  /** Bounds what a server can make us buffer before the body (the stock limits are none). */
  private static final Http1Config HTTP1 =
      Http1Config.custom().setMaxLineLength(8 << 10).setMaxHeaderCount(100).build();

  /** A response; closing it closes its connection at once, without reading the rest. */
  record Response(int status, String location, long length, InputStream body) implements Closeable {
    @Override
    public void close() throws IOException {
      body.close();
    }
  }

  private HttpSource() {}

  static Response get(URI uri, String host, List<InetAddress> addresses, SourcePolicy policy) {
    Connections connections = new Connections();
    CloseableHttpClient client = client(new PinnedDns(host, addresses), connections, policy);
    Closeable release = () -> client.close(CloseMode.IMMEDIATE);
    HttpGet get = new HttpGet(uri);
    get.setHeader(HttpHeaders.ACCEPT_ENCODING, "identity");
    get.setHeader(HttpHeaders.CONNECTION, "close");
    try {
      ClassicHttpResponse r = client.executeOpen(null, get, HttpClientContext.create());
      HttpEntity entity = r.getEntity();
      InputStream content = entity == null ? InputStream.nullInputStream() : entity.getContent();
      Header location = r.getFirstHeader(HttpHeaders.LOCATION);
      long length = DeclaredLength.of(r);
      return new Response(
          r.getCode(),
          location == null ? null : location.getValue(),
          length,
          new HttpBody(content, length, connections.last, policy.readTimeout(), release));
    } catch (ProtocolException e) {
      closeQuietly(release);
      throw new SourceException(
          Failures.SOURCE_PROTOCOL, uri + " broke HTTP: " + e.getMessage(), false, e);
    } catch (IOException e) {
      closeQuietly(release);
      throw failure(uri, e, policy);
    } catch (RuntimeException e) {
      closeQuietly(release);
      throw e;
    }
  }

  private static CloseableHttpClient client(
      PinnedDns dns, Connections connections, SourcePolicy policy) {
    Timeout connect = Timeout.of(policy.connectTimeout());
    Timeout read = Timeout.of(policy.readTimeout());
    BasicHttpClientConnectionManager manager =
        BasicHttpClientConnectionManager.create(
            null,
            dns,
            RegistryBuilder.<TlsSocketStrategy>create().register("https", Tls.STRATEGY).build(),
            connections);
    manager.setConnectionConfig(
        ConnectionConfig.custom().setConnectTimeout(connect).setSocketTimeout(read).build());
    manager.setSocketConfig(SocketConfig.custom().setSoTimeout(read).build());
    manager.setTlsConfig(TlsConfig.custom().setHandshakeTimeout(connect).build());
    return HttpClients.custom()
        .setConnectionManager(manager)
        .setDefaultRequestConfig(
            RequestConfig.custom()
                .setResponseTimeout(read)
                .setRedirectsEnabled(false)
                .setAuthenticationEnabled(false)
                .setContentCompressionEnabled(false)
                .setProtocolUpgradeEnabled(false)
                .build())
        .disableRedirectHandling()
        .disableAutomaticRetries()
        .disableContentCompression()
        .disableCookieManagement()
        .disableAuthCaching()
        .disableConnectionState()
        .setUserAgent("cephflow")
        .build();
  }

  private static SourceException failure(URI uri, IOException e, SourcePolicy policy) {
    if (e instanceof ConnectTimeoutException) {
      return new SourceException(
          Failures.SOURCE_TIMEOUT,
          uri + " did not accept a connection within " + policy.connectTimeout().toSeconds() + " s",
          true,
          e);
    }
    if (e instanceof SocketTimeoutException) {
      return new SourceException(
          Failures.SOURCE_TIMEOUT,
          uri
              + " stalled: no response within the read timeout ("
              + policy.readTimeout().toSeconds()
              + " s)",
          true,
          e);
    }
    if (e instanceof ClientProtocolException || e instanceof MessageConstraintException) {
      Throwable reason =
          e.getCause() != null && e.getCause().getMessage() != null ? e.getCause() : e;
      String why = reason.getMessage();
      return new SourceException(Failures.SOURCE_PROTOCOL, uri + " broke HTTP: " + why, false, e);
    }
    if (e instanceof NoHttpResponseException) {
      return new SourceException(
          Failures.SOURCE_UNAVAILABLE, uri + " closed the connection without answering", true, e);
    }
    return new SourceException(
        Failures.SOURCE_NOT_FOUND, uri + " is unreachable: " + e.getMessage(), false, e);
  }

  private static void closeQuietly(Closeable c) {
    try {
      c.close();
    } catch (IOException ignored) {
      // nothing more to read from it
    }
  }

  /** The client's connection factory, keeping the connection so the body can probe past its end. */
  private static final class Connections
      implements HttpConnectionFactory<ManagedHttpClientConnection> {
    private final ManagedHttpClientConnectionFactory factory =
        ManagedHttpClientConnectionFactory.builder()
            .http1Config(HTTP1)
            .responseParserFactory(StrictResponseParser::new)
            .incomingContentLengthStrategy(new DeclaredLength())
            .build();
    private volatile ManagedHttpClientConnection last;

    @Override
    public ManagedHttpClientConnection createConnection(Socket socket) throws IOException {
      ManagedHttpClientConnection c = factory.createConnection(socket);
      last = c;
      return c;
    }
  }

  /** Loaded once: the JDK's trust store (or the one javax.net.ssl.* names), host names verified. */
  private static final class Tls {
    static final TlsSocketStrategy STRATEGY = DefaultClientTlsStrategy.createSystemDefault();
  }
}
