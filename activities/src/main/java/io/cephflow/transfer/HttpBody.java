package io.cephflow.transfer;

import io.cephflow.workflows.common.Failures;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;
import org.apache.hc.core5.http.ConnectionClosedException;
import org.apache.hc.core5.http.HttpConnection;
import org.apache.hc.core5.http.MalformedChunkCodingException;
import org.apache.hc.core5.http.MessageConstraintException;
import org.apache.hc.core5.http.TruncatedChunkException;
import org.apache.hc.core5.util.Timeout;

/**
 * A response body as the client frames it (chunked, or to the connection's end), held to its
 * Content-Length when it has one, and failing with typed {@link SourceReadException}s: a stall, a
 * broken framing, a body longer or shorter than announced. Closing never drains what is left: an
 * endless or stalled body would hold the caller for as long as the server likes.
 */
final class HttpBody extends InputStream {
  /** How long to wait for bytes after Content-Length before believing the body ended. */
  private static final Timeout TRAILING_PROBE = Timeout.ofMilliseconds(300);

  private final InputStream in;
  private final long declared;
  private final HttpConnection connection;
  private final Duration readTimeout;
  private final Closeable release;
  private long count;
  private boolean ended;

  /**
   * @param declared the Content-Length, or -1
   * @param connection the body's connection, for the short wait after its last byte
   * @param release closes the connection at once
   */
  HttpBody(
      InputStream in,
      long declared,
      HttpConnection connection,
      Duration readTimeout,
      Closeable release) {
    this.in = in;
    this.declared = declared;
    this.connection = connection;
    this.readTimeout = readTimeout;
    this.release = release;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) return 0;
    if (ended) return -1;
    try {
      if (declared >= 0 && count == declared) return endOrTrailing();
      int n = in.read(b, off, declared >= 0 ? (int) Math.min(len, declared - count) : len);
      if (n < 0 && declared >= 0) {
        throw new SourceLengthException(
            "the server closed after "
                + count
                + " of the "
                + declared
                + " bytes of its Content-Length");
      }
      if (n < 0) ended = true;
      if (n > 0) count += n;
      return n;
    } catch (SocketTimeoutException e) {
      throw new SourceReadException(
          Failures.SOURCE_TIMEOUT,
          "the source stalled: no data for the read timeout ("
              + readTimeout.toSeconds()
              + " s) after "
              + count
              + " bytes",
          true,
          e);
    } catch (TruncatedChunkException | ConnectionClosedException e) {
      throw new SourceLengthException(
          "the server closed inside its chunked body after " + count + " bytes");
    } catch (MalformedChunkCodingException | MessageConstraintException e) {
      throw new SourceReadException(
          Failures.SOURCE_PROTOCOL,
          "the server broke HTTP after " + count + " bytes of the body: " + e.getMessage(),
          false,
          e);
    }
  }

  /** We asked for Connection: close, so the body's end is the connection's end. */
  private int endOrTrailing() throws IOException {
    connection.setSocketTimeout(TRAILING_PROBE);
    try {
      if (in.read() >= 0) {
        throw new SourceLengthException(
            "the server sent more than its Content-Length of " + declared + " bytes");
      }
    } catch (SocketTimeoutException quiet) {
      // the server kept the connection open but sent nothing more: the body ended
    }
    ended = true;
    return -1;
  }

  @Override
  public void close() throws IOException {
    release.close();
  }
}
