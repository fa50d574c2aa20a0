package io.cephflow.transfer;

import io.cephflow.workflows.common.Failures;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The form of a source string, checked without the network or the file system: an absolute path, a
 * {@code file:///} URL or an allowed scheme's URL, parsed strictly. Messages never repeat a
 * credential; a malformed URL is described by its position, not echoed.
 */
final class SourceSyntax {
  static final int MAX_LENGTH = 8 << 10;
  private static final Pattern SCHEME = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*):");
  private static final String FORMS =
      "use an absolute path, file:///path, http://host/path or https://host/path";

  sealed interface Parsed permits LocalPath, Url {}

  record LocalPath(Path path) implements Parsed {}

  /**
   * @param host the host without IPv6 brackets
   */
  record Url(URI uri, String host) implements Parsed {}

  private SourceSyntax() {}

  static Parsed parse(String source, Set<String> schemes) {
    if (source == null || source.isBlank()) throw invalid("the source is empty");
    if (source.length() > MAX_LENGTH)
      throw invalid("the source is longer than " + MAX_LENGTH + " characters");
    int control = firstControl(source);
    if (control >= 0) {
      throw invalid(
          "the source contains a control character (U+"
              + String.format("%04X", (int) source.charAt(control))
              + ") at index "
              + control);
    }
    if (!source.strip().equals(source)) throw invalid("the source starts or ends with white space");
    if (source.startsWith("/")) return new LocalPath(path(source));
    Matcher m = SCHEME.matcher(source);
    if (!m.find())
      throw invalid("'" + redact(source) + "' is neither an absolute path nor a URL: " + FORMS);
    String scheme = m.group(1).toLowerCase(Locale.ROOT);
    if (scheme.equals("file")) return new LocalPath(fileUrl(source));
    if (!schemes.contains(scheme)) {
      throw new SourceException(
          Failures.SOURCE_FORBIDDEN,
          "the scheme '"
              + scheme
              + "' is not allowed: "
              + FORMS
              + " (allowed schemes: "
              + schemes.stream().sorted().toList()
              + ")");
    }
    return url(source);
  }

  /** A URL of an allowed scheme: server-based authority, no credentials, no fragment. */
  static Url url(String source) {
    URI uri = uri(source, "URL");
    if (uri.isOpaque() || uri.getRawAuthority() == null || uri.getRawAuthority().isEmpty()) {
      throw invalid("the URL has no host: write it as scheme://host/path");
    }
    if (uri.getRawAuthority().contains("@")) {
      throw invalid(
          "do not put credentials in the URL (user:password@host): the URL is stored with the request "
              + "and shown in its status; use a URL that needs none (e.g. a pre-signed one) or a file on the worker");
    }
    if (uri.getHost() == null) {
      throw invalid(
          "the URL's host or port is not valid: use an ASCII host name (punycode for others) or an IP "
              + "address, and a numeric port");
    }
    if (uri.getPort() == 0 || uri.getPort() > 65535)
      throw invalid("the URL's port " + uri.getPort() + " is not valid");
    String ascii = uri.toASCIIString();
    int hash = ascii.indexOf('#');
    URI clean =
        URI.create(
            hash < 0 ? ascii : ascii.substring(0, hash)); // a fragment never leaves the client
    String host = clean.getHost();
    if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
    return new Url(clean, host);
  }

  private static Path fileUrl(String source) {
    URI uri = uri(source, "file URL");
    if (uri.isOpaque() || uri.getRawPath() == null || !uri.getRawPath().startsWith("/")) {
      throw invalid("a file URL must name an absolute path: file:///path");
    }
    if (uri.getRawAuthority() != null && !uri.getRawAuthority().isEmpty()) {
      throw invalid(
          "a file URL names a file on the worker itself: write file:///path, without a host");
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw invalid("a file URL has no query or fragment: write file:///path");
    }
    String decoded = uri.getPath();
    int control = firstControl(decoded);
    if (control >= 0)
      throw invalid("the file URL's path decodes to a control character at index " + control);
    return path(decoded);
  }

  private static URI uri(String source, String what) {
    try {
      return new URI(source);
    } catch (URISyntaxException e) {
      throw invalid(
          "the source is not a valid "
              + what
              + ": "
              + e.getReason().toLowerCase(Locale.ROOT)
              + " at index "
              + e.getIndex()
              + " (spaces and other special characters must be percent-encoded)");
    }
  }

  private static Path path(String s) {
    try {
      return Path.of(s);
    } catch (InvalidPathException e) {
      throw invalid("'" + s + "' is not a valid path: " + e.getReason());
    }
  }

  /** Index of the first C0/C1 control character or DEL, or -1. */
  private static int firstControl(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return i;
    }
    return -1;
  }

  private static SourceException invalid(String message) {
    return new SourceException(Failures.INVALID_REQUEST, message);
  }

  /**
   * {@code source} with any user:password@ replaced by ***@, for messages and logs. When the string
   * does not parse as a URL with a host, everything up to the last '@' before a query is hidden: a
   * password with a '/' in it would otherwise show through.
   */
  static String redact(String source) {
    if (source == null) return null;
    int start = source.indexOf("://");
    if (start < 0) return source;
    start += 3;
    try {
      URI uri = new URI(source);
      if (uri.getHost() != null) {
        return uri.getRawUserInfo() == null
            ? source
            : source.substring(0, start)
                + "***"
                + source.substring(start + uri.getRawUserInfo().length());
      }
    } catch (URISyntaxException e) {
      // fall through to the conservative cut
    }
    int end = source.length();
    for (char c : new char[] {'?', '#'}) {
      int i = source.indexOf(c, start);
      if (i >= 0) end = Math.min(end, i);
    }
    int at = source.lastIndexOf('@', end - 1);
    return at < start ? source : source.substring(0, start) + "***" + source.substring(at);
  }
}
