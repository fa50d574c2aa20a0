package io.cephflow.transfer;

import io.cephflow.workflows.common.Failures;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * Image sources (local files, http(s) URLs) under a {@link SourcePolicy}. {@link #vet} checks
 * everything that can be known without reading data; {@link #open} vets again (the answer may have
 * changed since) and connects only to the addresses it vetted, every redirect vetted anew.
 */
public final class Sources {
  /** How host names become addresses: the JDK's resolver, or a test's. */
  @FunctionalInterface
  interface HostLookup {
    InetAddress[] lookup(String host) throws UnknownHostException;
  }

  private final SourcePolicy policy;
  private final AddressPolicy addresses;
  private final HostLookup dns;

  public Sources(SourcePolicy policy) {
    this(policy, InetAddress::getAllByName);
  }

  Sources(SourcePolicy policy, HostLookup dns) {
    this.policy = policy;
    this.addresses = new AddressPolicy(policy);
    this.dns = dns;
  }

  public SourcePolicy policy() {
    return policy;
  }

  /**
   * An open source: its body, its length (-1 when the server does not say) and, for a local file,
   * the checked real path (null for URLs), so a reader may seek over its holes. The body fails with
   * {@link SourceTooLargeException} as soon as it passes the policy's maxBytes.
   */
  public record Opened(InputStream body, long length, Path file) implements AutoCloseable {
    @Override
    public void close() throws IOException {
      body.close();
    }
  }

  /**
   * Checks {@code source} as far as it can be without reading it: its form, its scheme, a URL's
   * addresses (one DNS lookup), a file's place, kind and size (one stat). Opens nothing.
   *
   * @throws SourceException with a {@code Failures} type and a reason a person can act on
   */
  public void vet(String source) {
    vetted(source);
  }

  public Opened open(String source) {
    Vetted v = vetted(source);
    return v instanceof LocalFile f ? openFile(f) : openUrl((Url) v);
  }

  /** {@code source} with any credentials in it replaced by ***, for messages and logs. */
  public static String redact(String source) {
    return SourceSyntax.redact(source);
  }

  private sealed interface Vetted permits LocalFile, Url {}

  private record LocalFile(Path requested, Path real, long size) implements Vetted {}

  private record Url(URI uri, String host, List<InetAddress> addresses) implements Vetted {}

  private Vetted vetted(String source) {
    SourceSyntax.Parsed p = SourceSyntax.parse(source, policy.schemes());
    if (p instanceof SourceSyntax.LocalPath l) return vetFile(l.path());
    SourceSyntax.Url u = (SourceSyntax.Url) p;
    return vetUrl(u.uri(), u.host());
  }

  private LocalFile vetFile(Path requested) {
    // the name first, so a path outside the roots learns nothing about what exists there
    Path lexical = requested.normalize();
    if (!underRoots(lexical)) throw outside(requested, null);
    Path real;
    try {
      real = requested.toRealPath(); // resolves every symlink: the check below sees the target
    } catch (NoSuchFileException e) {
      throw new SourceException(Failures.SOURCE_NOT_FOUND, "no such file: " + requested);
    } catch (IOException e) {
      throw new SourceException(
          Failures.SOURCE_NOT_FOUND, "cannot read " + requested + ": " + e.getMessage());
    }
    if (!underRoots(real)) throw outside(requested, real);
    if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
      throw new SourceException(Failures.SOURCE_NOT_FOUND, requested + " is not a regular file");
    }
    long size;
    try {
      size = Files.size(real);
    } catch (IOException e) {
      throw new SourceException(
          Failures.SOURCE_NOT_FOUND, "cannot read " + requested + ": " + e.getMessage());
    }
    if (size > policy.maxBytes()) throw tooLarge(size);
    if (size == 0) throw new SourceException(Failures.SOURCE_EMPTY, requested + " is empty");
    return new LocalFile(requested, real, size);
  }

  private boolean underRoots(Path p) {
    return policy.localRoots().stream()
        .anyMatch(
            root ->
                p.startsWith(root.toAbsolutePath().normalize()) || p.startsWith(realOrSelf(root)));
  }

  private SourceException outside(Path requested, Path real) {
    return new SourceException(
        Failures.SOURCE_FORBIDDEN,
        requested
            + " is outside the allowed directories "
            + policy.localRoots()
            + (real == null ? "" : " (it leads to " + real + ")"));
  }

  private static Path realOrSelf(Path root) {
    try {
      return root.toRealPath();
    } catch (IOException e) {
      return root.toAbsolutePath().normalize();
    }
  }

  /** Every address the host resolves to must pass: the client then connects to these only. */
  private Url vetUrl(URI uri, String host) {
    InetAddress[] found;
    try {
      found = dns.lookup(host);
    } catch (UnknownHostException e) {
      throw new SourceException(Failures.SOURCE_NOT_FOUND, "unknown host " + host);
    }
    if (found == null || found.length == 0)
      throw new SourceException(Failures.SOURCE_NOT_FOUND, "unknown host " + host);
    for (InetAddress a : found) {
      String why = addresses.forbidden(a);
      if (why != null) {
        throw new SourceException(
            Failures.SOURCE_FORBIDDEN, host + " resolves to " + a.getHostAddress() + ", " + why);
      }
    }
    return new Url(uri, host, List.of(found));
  }

  private Opened openFile(LocalFile f) {
    try {
      return new Opened(
          new Capped(Files.newInputStream(f.real()), policy.maxBytes()), f.size(), f.real());
    } catch (IOException e) {
      throw new SourceException(
          Failures.SOURCE_NOT_FOUND, "cannot read " + f.requested() + ": " + e.getMessage());
    }
  }

  private Opened openUrl(Url first) {
    Url hop = first;
    for (int redirects = 0; ; redirects++) {
      HttpSource.Response r = HttpSource.get(hop.uri(), hop.host(), hop.addresses(), policy);
      int status = r.status();
      if (status >= 300 && status < 400 && r.location() != null) {
        closeQuietly(r);
        if (redirects == policy.maxRedirects()) {
          throw new SourceException(
              Failures.SOURCE_FORBIDDEN,
              "too many redirects (more than " + policy.maxRedirects() + ") from " + first.uri());
        }
        hop = redirect(hop.uri(), r.location());
        continue;
      }
      if (status != 200) {
        closeQuietly(r);
        throw refused(hop.uri(), status);
      }
      if (r.length() > policy.maxBytes()) {
        closeQuietly(r);
        throw tooLarge(r.length());
      }
      return new Opened(new Capped(r.body(), policy.maxBytes()), r.length(), null);
    }
  }

  /** A redirect goes through every check a request's own URL does, and only to http(s). */
  private Url redirect(URI from, String location) {
    String target;
    try {
      target = from.resolve(new URI(location.trim())).toString();
    } catch (URISyntaxException | IllegalArgumentException e) {
      throw new SourceException(
          Failures.SOURCE_PROTOCOL, from + " redirects to a malformed location");
    }
    SourceSyntax.Parsed p;
    try {
      p = SourceSyntax.parse(target, policy.schemes());
    } catch (SourceException e) {
      throw new SourceException(
          Failures.SOURCE_FORBIDDEN,
          from + " redirects to " + redact(target) + ", which is refused: " + e.getMessage());
    }
    if (!(p instanceof SourceSyntax.Url u)) {
      throw new SourceException(
          Failures.SOURCE_FORBIDDEN, from + " redirects to a local file, which is refused");
    }
    try {
      return vetUrl(u.uri(), u.host());
    } catch (SourceException e) {
      throw new SourceException(
          e.type(), from + " redirects to " + u.uri() + ": " + e.getMessage());
    }
  }

  private static SourceException refused(URI uri, int status) {
    if (status == 404 || status == 410) {
      return new SourceException(Failures.SOURCE_NOT_FOUND, uri + " answered HTTP " + status);
    }
    boolean transientError = status >= 500 || status == 429;
    return new SourceException(
        transientError ? Failures.SOURCE_UNAVAILABLE : Failures.SOURCE_NOT_FOUND,
        uri + " answered HTTP " + status,
        transientError,
        null);
  }

  private static void closeQuietly(HttpSource.Response r) {
    try {
      r.close();
    } catch (IOException ignored) {
      // nothing more to read from it
    }
  }

  private SourceException tooLarge(long size) {
    return new SourceException(
        Failures.SOURCE_TOO_LARGE,
        "the source is " + size + " bytes, over the limit of " + policy.maxBytes());
  }
}
