package io.cephflow.transfer;

import java.util.regex.Pattern;
import org.apache.hc.core5.http.ContentLengthStrategy;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpHeaders;
import org.apache.hc.core5.http.HttpMessage;
import org.apache.hc.core5.http.NotImplementedException;
import org.apache.hc.core5.http.ProtocolException;

/**
 * How the client frames a response body: chunked when the server says so, otherwise read to the
 * connection's end (we ask for {@code Connection: close}). A Content-Length is checked here and
 * enforced by {@link HttpBody}, which, unlike the client's own framing, notices a body that goes on
 * after it.
 */
final class DeclaredLength implements ContentLengthStrategy {
  private static final Pattern DIGITS = Pattern.compile("[0-9]{1,18}");

  @Override
  public long determineLength(HttpMessage message) throws ProtocolException {
    Header[] te = message.getHeaders(HttpHeaders.TRANSFER_ENCODING);
    if (te.length > 0) {
      if (te.length == 1 && "chunked".equalsIgnoreCase(te[0].getValue().trim())) return CHUNKED;
      throw new NotImplementedException(
          "unsupported Transfer-Encoding '"
              + shown(te[0].getValue())
              + "' (only chunked is understood)");
    }
    of(message);
    return UNDEFINED;
  }

  /** The Content-Length of a body that is not chunked, or -1 when there is none. */
  static long of(HttpMessage message) throws ProtocolException {
    if (message.containsHeader(HttpHeaders.TRANSFER_ENCODING)) return -1;
    Header[] values = message.getHeaders(HttpHeaders.CONTENT_LENGTH);
    if (values.length == 0) return -1;
    String v = values[0].getValue().trim();
    for (Header h : values) {
      if (!h.getValue().trim().equals(v))
        throw new ProtocolException("conflicting Content-Length headers");
    }
    if (!DIGITS.matcher(v).matches())
      throw new ProtocolException("malformed Content-Length '" + shown(v) + "'");
    return Long.parseLong(v);
  }

  private static String shown(String value) {
    return value.length() <= 40 ? value : value.substring(0, 40) + "...";
  }
}
