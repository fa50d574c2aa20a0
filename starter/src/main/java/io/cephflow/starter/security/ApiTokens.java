package io.cephflow.starter.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The static bearer tokens: only their SHA-256 is known here. A presented token is hashed and
 * compared with every entry in constant time. The tokens file is re-read when its modification time
 * changes, so a token is added or revoked without a restart.
 */
public final class ApiTokens {
  private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");

  /** Who a token belongs to. */
  public record Caller(String name, Role role) {}

  private record Entry(String name, Role role, byte[] sha256) {}

  private final Path file;
  private final List<Entry> inline;
  private volatile List<Entry> fromFile = List.of();
  private volatile FileTime loaded;

  public ApiTokens(Path file, List<AuthProperties.TokenEntry> inline) {
    this.file = file;
    List<Entry> entries = new ArrayList<>();
    for (var t : inline)
      entries.add(entry(t.name(), t.role(), t.sha256(), "cephflow.api.auth.tokens"));
    this.inline = List.copyOf(entries);
    if (file != null) reloadIfChanged();
  }

  public static String sha256Hex(String token) {
    return HexFormat.of().formatHex(sha256(token));
  }

  /** How many tokens are configured (0: nobody can call the API with a static token). */
  public int count() {
    reloadIfChanged();
    return inline.size() + fromFile.size();
  }

  public Optional<Caller> lookup(String token) {
    reloadIfChanged();
    byte[] presented = sha256(token);
    Caller found = null;
    for (List<Entry> list : List.of(inline, fromFile)) {
      for (Entry e : list) {
        // every entry is compared, so the time taken says nothing about which one matched
        if (MessageDigest.isEqual(presented, e.sha256()) && found == null)
          found = new Caller(e.name(), e.role());
      }
    }
    return Optional.ofNullable(found);
  }

  private void reloadIfChanged() {
    if (file == null) return;
    try {
      FileTime now = Files.getLastModifiedTime(file);
      if (now.equals(loaded)) return;
      synchronized (this) {
        if (now.equals(loaded)) return;
        fromFile = parse(file);
        loaded = now;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the tokens file " + file, e);
    }
  }

  static List<Entry> parse(Path file) throws IOException {
    List<Entry> entries = new ArrayList<>();
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) continue;
      String[] f = line.split("\\s+");
      String where = file + ":" + (i + 1);
      if (f.length != 3)
        throw new IllegalArgumentException(where + ": want '<name> <role> sha256:<hex>'");
      entries.add(entry(f[0], f[1], f[2], where));
    }
    return List.copyOf(entries);
  }

  private static Entry entry(String name, String role, String hash, String where) {
    String hex = hash == null ? "" : hash.strip().toLowerCase(java.util.Locale.ROOT);
    if (hex.startsWith("sha256:")) hex = hex.substring("sha256:".length());
    if (!HEX.matcher(hex).matches()) {
      throw new IllegalArgumentException(
          where + ": the token hash must be sha256:<64 hex digits> (never the token)");
    }
    if (name == null || name.isBlank())
      throw new IllegalArgumentException(where + ": a token needs a name");
    return new Entry(name, Role.parse(role), HexFormat.of().parseHex(hex));
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
