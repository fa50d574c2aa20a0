package io.cephflow.transfer;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * One HTTP/1.1 GET over a socket to an address the policy already checked. Our own client,
 * because the JDK's ones (a) resolve the host again after our check (DNS rebinding) and (b) stop
 * at Content-Length silently, so a body longer than announced goes unnoticed.
 */
final class HttpGet {
  private static final int MAX_HEADER_BYTES = 64 << 10;
  /** How long to wait for bytes after Content-Length before believing the body ended. */
  private static final int TRAILING_PROBE_MS = 300;

  record Response(int status, Map<String, String> headers, InputStream body, Socket socket) {
    long contentLength() {
      String v = headers.get("content-length");
      if (v == null || headers.containsKey("transfer-encoding")) return -1;
      try {
        return Long.parseLong(v.trim());
      } catch (NumberFormatException e) {
        return -1;
      }
    }
  }

  private HttpGet() {}

  static Response open(URI uri, InetAddress address, int connectTimeoutMs, int readTimeoutMs) throws IOException {
    boolean tls = "https".equalsIgnoreCase(uri.getScheme());
    int port = uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80;
    Socket socket = new Socket();
    try {
      socket.connect(new InetSocketAddress(address, port), connectTimeoutMs);
      socket.setSoTimeout(readTimeoutMs);
      if (tls) socket = startTls(socket, uri.getHost(), port);
      OutputStream out = socket.getOutputStream();
      String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
      if (uri.getRawQuery() != null) path += "?" + uri.getRawQuery();
      String host = uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
      out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: cephflow\r\n"
          + "Accept-Encoding: identity\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
      int[] budget = {MAX_HEADER_BYTES};
      String statusLine = line(in, budget);
      String[] parts = statusLine.split(" ", 3);
      if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) throw new IOException("not an HTTP/1.x response: " + statusLine);
      int status = Integer.parseInt(parts[1]);
      Map<String, String> headers = new HashMap<>();
      for (String h = line(in, budget); !h.isEmpty(); h = line(in, budget)) {
        int colon = h.indexOf(':');
        if (colon > 0) headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
      }
      Response partial = new Response(status, headers, null, socket);
      InputStream body;
      if ("chunked".equalsIgnoreCase(headers.getOrDefault("transfer-encoding", ""))) {
        body = new Chunked(in, socket);
      } else if (partial.contentLength() >= 0) {
        body = new Exactly(in, socket, partial.contentLength(), readTimeoutMs);
      } else {
        body = new Closing(in, socket);
      }
      return new Response(status, Map.copyOf(headers), body, socket);
    } catch (NumberFormatException e) {
      socket.close();
      throw new IOException("malformed HTTP response", e);
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  private static Socket startTls(Socket plain, String host, int port) throws IOException {
    SSLSocket s = (SSLSocket) ((SSLSocketFactory) SSLSocketFactory.getDefault()).createSocket(plain, host, port, true);
    SSLParameters p = s.getSSLParameters();
    p.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the host we checked
    p.setServerNames(List.of(new SNIHostName(host)));
    s.setSSLParameters(p);
    s.startHandshake();
    return s;
  }

  private static String line(InputStream in, int[] budget) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (int c; (c = in.read()) != '\n'; ) {
      if (c < 0) throw new IOException("the server closed the connection inside the response headers");
      if (--budget[0] < 0) throw new IOException("response headers longer than " + MAX_HEADER_BYTES + " bytes");
      if (c != '\r') b.write(c);
    }
    return b.toString(StandardCharsets.ISO_8859_1);
  }

  /** A body read to EOF; closing it closes the socket. */
  private static class Closing extends FilterInputStream {
    final Socket socket;

    Closing(InputStream in, Socket socket) {
      super(in);
      this.socket = socket;
    }

    /** Through the subclass's bulk read, which does the body's framing. */
    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  /** Exactly Content-Length bytes: fewer (early close) or more (bytes after it) is an error. */
  private static final class Exactly extends Closing {
    private final long length;
    private final int readTimeoutMs;
    private long left;

    Exactly(InputStream in, Socket socket, long length, int readTimeoutMs) {
      super(in, socket);
      this.length = length;
      this.left = length;
      this.readTimeoutMs = readTimeoutMs;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) return 0;
      if (left == 0) return endOrTrailing();
      int n = in.read(b, off, (int) Math.min(len, left));
      if (n < 0) {
        throw new SourceLengthException("the server closed after " + (length - left) + " of the "
            + length + " bytes of its Content-Length");
      }
      left -= n;
      return n;
    }

    /** We asked for Connection: close, so the body's end is the connection's end. */
    private int endOrTrailing() throws IOException {
      socket.setSoTimeout(TRAILING_PROBE_MS);
      try {
        if (in.read() >= 0) {
          throw new SourceLengthException("the server sent more than its Content-Length of " + length + " bytes");
        }
      } catch (SocketTimeoutException quiet) {
        // the server kept the connection open but sent nothing more: the body ended
      } finally {
        if (!socket.isClosed()) socket.setSoTimeout(readTimeoutMs);
      }
      return -1;
    }
  }

  /** Transfer-Encoding: chunked, without trailers of interest. */
  private static final class Chunked extends Closing {
    private long chunkLeft;
    private boolean done;

    Chunked(InputStream in, Socket socket) {
      super(in, socket);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (done) return -1;
      if (chunkLeft == 0) {
        int[] budget = {4096};
        String size = line(in, budget);
        int semi = size.indexOf(';');
        try {
          chunkLeft = Long.parseLong((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
        } catch (NumberFormatException e) {
          throw new IOException("malformed chunk size '" + size + "'");
        }
        if (chunkLeft == 0) {
          done = true;
          return -1;
        }
      }
      int n = in.read(b, off, (int) Math.min(len, chunkLeft));
      if (n < 0) throw new SourceLengthException("the server closed inside a chunk");
      chunkLeft -= n;
      if (chunkLeft == 0) line(in, new int[] {2});
      return n;
    }
  }
}
