package io.cephflow.transfer;

import io.cephflow.workflows.common.Failures;
import java.io.IOException;
import java.io.InputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;

/** Opens image sources (local files, http(s) URLs) under a {@link SourcePolicy}. */
public final class Sources {
  private final SourcePolicy policy;

  public Sources(SourcePolicy policy) {
    this.policy = policy;
  }

  public SourcePolicy policy() {
    return policy;
  }

  /**
   * An open source: its body, its length (-1 when the server does not say) and, for a local
   * file, the checked real path (null for URLs), so a reader may seek over its holes.
   */
  public record Opened(InputStream body, long length, Path file) implements AutoCloseable {
    @Override
    public void close() throws IOException {
      body.close();
    }
  }

  public Opened open(String source) {
    if (source == null || source.isBlank()) throw new SourceException(Failures.INVALID_REQUEST, "source is empty");
    String lower = source.toLowerCase(Locale.ROOT);
    if (lower.startsWith("http://") || lower.startsWith("https://")) return openUrl(URI.create(source.trim()));
    if (lower.startsWith("file:")) return openFile(Path.of(URI.create(source)));
    if (source.startsWith("/")) return openFile(Path.of(source));
    throw new SourceException(Failures.SOURCE_FORBIDDEN,
        "unsupported source '" + source + "': use an absolute path, file:/..., http:// or https://");
  }

  private Opened openFile(Path requested) {
    Path real;
    try {
      real = requested.toRealPath(); // resolves every symlink: the check below sees the target
    } catch (NoSuchFileException e) {
      throw new SourceException(Failures.SOURCE_NOT_FOUND, "no such file: " + requested);
    } catch (IOException e) {
      throw new SourceException(Failures.SOURCE_NOT_FOUND, "cannot read " + requested + ": " + e.getMessage());
    }
    boolean allowed = policy.localRoots().stream().anyMatch(root -> real.startsWith(realOrSelf(root)));
    if (!allowed) {
      throw new SourceException(Failures.SOURCE_FORBIDDEN, requested + " is outside the allowed directories "
          + policy.localRoots() + (real.equals(requested.toAbsolutePath().normalize()) ? "" : " (it leads to " + real + ")"));
    }
    if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
      throw new SourceException(Failures.SOURCE_NOT_FOUND, requested + " is not a regular file");
    }
    try {
      long size = Files.size(real);
      if (size > policy.maxBytes()) throw tooLarge(size);
      return new Opened(Files.newInputStream(real), size, real);
    } catch (IOException e) {
      throw new SourceException(Failures.SOURCE_NOT_FOUND, "cannot read " + requested + ": " + e.getMessage());
    }
  }

  private static Path realOrSelf(Path root) {
    try {
      return root.toRealPath();
    } catch (IOException e) {
      return root.toAbsolutePath().normalize();
    }
  }

  private Opened openUrl(URI uri) {
    for (int hop = 0; hop <= policy.maxRedirects(); hop++) {
      InetAddress address = checkUrl(uri);
      HttpGet.Response r;
      try {
        r = HttpGet.open(uri, address, (int) policy.connectTimeout().toMillis(), (int) policy.readTimeout().toMillis());
      } catch (IOException e) {
        throw unreachable(uri, e);
      }
      int status = r.status();
      if (status >= 300 && status < 400 && r.headers().get("location") != null) {
        closeQuietly(r);
        try {
          uri = uri.resolve(r.headers().get("location").trim());
        } catch (IllegalArgumentException e) {
          throw new SourceException(Failures.SOURCE_FORBIDDEN, uri + " redirects to a malformed location");
        }
        continue;
      }
      if (status == 404 || status == 410) {
        closeQuietly(r);
        throw new SourceException(Failures.SOURCE_NOT_FOUND, uri + " answered HTTP " + status);
      }
      if (status != 200) {
        closeQuietly(r);
        boolean transientError = status >= 500 || status == 429;
        throw new SourceException(transientError ? "SourceUnavailable" : Failures.SOURCE_NOT_FOUND,
            uri + " answered HTTP " + status, transientError, null);
      }
      long length = r.contentLength();
      if (length > policy.maxBytes()) {
        closeQuietly(r);
        throw tooLarge(length);
      }
      return new Opened(r.body(), length, null);
    }
    throw new SourceException(Failures.SOURCE_FORBIDDEN, "too many redirects (more than " + policy.maxRedirects() + ")");
  }

  private static void closeQuietly(HttpGet.Response r) {
    try {
      r.socket().close();
    } catch (IOException ignored) {
      // nothing more to read from it
    }
  }

  /** Checks scheme and every address the host resolves to; returns the one to connect to. */
  private InetAddress checkUrl(URI uri) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!policy.schemes().contains(scheme)) {
      throw new SourceException(Failures.SOURCE_FORBIDDEN, "scheme '" + scheme + "' is not allowed " + policy.schemes());
    }
    if (uri.getHost() == null) throw new SourceException(Failures.INVALID_REQUEST, "URL has no host: " + uri);
    InetAddress[] addresses;
    try {
      addresses = InetAddress.getAllByName(uri.getHost());
    } catch (UnknownHostException e) {
      throw new SourceException(Failures.SOURCE_NOT_FOUND, "unknown host " + uri.getHost());
    }
    for (InetAddress a : addresses) {
      String why = forbidden(a);
      if (why != null) {
        throw new SourceException(Failures.SOURCE_FORBIDDEN, uri.getHost() + " resolves to " + a.getHostAddress()
            + ", " + why);
      }
    }
    if (addresses.length == 0) throw new SourceException(Failures.SOURCE_NOT_FOUND, "unknown host " + uri.getHost());
    return addresses[0]; // connect to what was checked: no second lookup to rebind
  }

  private String forbidden(InetAddress a) {
    byte[] b = a.getAddress();
    if (a.isLinkLocalAddress()) return "a link-local address (cloud metadata lives there)";
    if (a instanceof Inet6Address && (b[0] & 0xff) == 0xfd && (b[1] & 0xff) == 0x00 && (b[2] & 0xff) == 0x0e
        && (b[3] & 0xff) == 0xc2) {
      return "a cloud metadata address";
    }
    if (a.isAnyLocalAddress() || a.isMulticastAddress()) return "not a host address";
    if (a.isLoopbackAddress()) return policy.allowLoopback() ? null : "loopback, which is not allowed";
    boolean uniqueLocal6 = a instanceof Inet6Address && (b[0] & 0xfe) == 0xfc;
    boolean cgnat = b.length == 4 && (b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64;
    if (a.isSiteLocalAddress() || uniqueLocal6 || cgnat) {
      return policy.allowPrivateNetworks() ? null : "a private address, which is not allowed";
    }
    return null;
  }

  private static SourceException unreachable(URI uri, IOException e) {
    if (e instanceof SocketTimeoutException) {
      return new SourceException("SourceTimeout", uri + " timed out: " + e.getMessage(), true, e);
    }
    return new SourceException(Failures.SOURCE_NOT_FOUND, uri + " is unreachable: " + e, false, e);
  }

  private SourceException tooLarge(long size) {
    return new SourceException(Failures.SOURCE_TOO_LARGE, "source is " + size + " bytes, over the limit of "
        + policy.maxBytes());
  }
}
