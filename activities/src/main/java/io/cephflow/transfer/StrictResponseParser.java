package io.cephflow.transfer;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ProtocolException;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.impl.io.DefaultHttpResponseParser;
import org.apache.hc.core5.http.io.HttpMessageParser;
import org.apache.hc.core5.http.io.SessionInputBuffer;

/**
 * The strict status-line parser (the client's default one skips garbage before a status line),
 * refusing headers the connection's end cut off: the stock parser takes the end of the stream for
 * the blank line that ends the headers.
 */
final class StrictResponseParser implements HttpMessageParser<ClassicHttpResponse> {
  private final DefaultHttpResponseParser parser;

  StrictResponseParser(Http1Config config) {
    this.parser = new DefaultHttpResponseParser(config);
  }

  @Override
  public ClassicHttpResponse parse(SessionInputBuffer buffer, InputStream in)
      throws IOException, ProtocolException {
    EndWatch watched = new EndWatch(in);
    ClassicHttpResponse response;
    try {
      response = parser.parse(buffer, watched);
    } catch (ProtocolException e) {
      throw e;
    } catch (org.apache.hc.core5.http.HttpException e) {
      throw new ProtocolException(e.getMessage(), e);
    }
    // the parser reads only while it lacks a complete line, so an end seen here cut the headers
    if (response != null && watched.ended) {
      throw new ProtocolException(
          "the response headers were cut off: the server closed before the blank line "
              + "ending them");
    }
    return response;
  }

  private static final class EndWatch extends FilterInputStream {
    boolean ended;

    EndWatch(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int c = in.read();
      if (c < 0) ended = true;
      return c;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = in.read(b, off, len);
      if (n < 0) ended = true;
      return n;
    }
  }
}
