package io.cephflow.starter.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Caps every request body: a declared length over the cap is refused before a byte is read, a
 * chunked body is cut off at the cap ({@link BodyTooLargeException}, answered 413). No request can
 * make the API hold more than the cap in memory.
 */
public class BodyLimitFilter extends OncePerRequestFilter {
  private final long maxBytes;
  private final ProblemWriter problems;

  public BodyLimitFilter(long maxBytes, ProblemWriter problems) {
    this.maxBytes = maxBytes;
    this.problems = problems;
  }

  /** Thrown by the capped stream; Spring reports it wrapped, {@link #isCause} finds it. */
  public static final class BodyTooLargeException extends IOException {
    public BodyTooLargeException(long max) {
      super("the request body is larger than " + max + " bytes");
    }
  }

  public static boolean isCause(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof BodyTooLargeException) return true;
    }
    return false;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    long declared = request.getContentLengthLong();
    if (declared > maxBytes) {
      response.setHeader("Connection", "close"); // do not read (or swallow) what we refuse
      problems.write(
          request,
          response,
          413,
          "RequestTooLarge",
          "the request body is " + declared + " bytes; the limit is " + maxBytes);
      return;
    }
    chain.doFilter(new Capped(request, maxBytes), response);
  }

  private static final class Capped extends HttpServletRequestWrapper {
    private final long max;
    private ServletInputStream stream;

    Capped(HttpServletRequest request, long max) {
      super(request);
      this.max = max;
    }

    @Override
    public ServletInputStream getInputStream() throws IOException {
      if (stream == null) stream = new CappedStream(super.getInputStream(), max);
      return stream;
    }

    @Override
    public java.io.BufferedReader getReader() throws IOException {
      return new java.io.BufferedReader(
          new java.io.InputStreamReader(
              getInputStream(), getCharacterEncoding() == null ? "UTF-8" : getCharacterEncoding()));
    }
  }

  private static final class CappedStream extends ServletInputStream {
    private final ServletInputStream in;
    private final long max;
    private long read;

    CappedStream(ServletInputStream in, long max) {
      this.in = in;
      this.max = max;
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      if (b >= 0) count(1);
      return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
      int n = in.read(buf, off, (int) Math.min(len, max - read + 1));
      if (n > 0) count(n);
      return n;
    }

    private void count(int n) throws BodyTooLargeException {
      read += n;
      if (read > max) throw new BodyTooLargeException(max);
    }

    @Override
    public boolean isFinished() {
      return in.isFinished();
    }

    @Override
    public boolean isReady() {
      return in.isReady();
    }

    @Override
    public void setReadListener(ReadListener listener) {
      in.setReadListener(listener);
    }
  }
}
