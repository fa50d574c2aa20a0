package io.cephflow.ceph;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A Ceph keyring file as Ceph writes it ({@code ceph auth get-or-create}, {@code ceph-authtool}):
 * INI sections named by entity ({@code [client.cephflow]}), each with its {@code key = AQ…} and its
 * caps. librados reads the keyring itself; this is for the one place cephflow needs the secret as
 * text, the libvirt secret qemu authenticates with. The key is never logged.
 */
public final class Keyring {
  private final Map<String, String> keys;

  private Keyring(Map<String, String> keys) {
    this.keys = keys;
  }

  public static Keyring read(Path file) {
    try {
      return parse(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the keyring " + file + ": " + e.getMessage(), e);
    }
  }

  /** Sections and their keys; comments ({@code #}, {@code ;}), blank lines and caps are skipped. */
  public static Keyring parse(String text) {
    Map<String, String> keys = new LinkedHashMap<>();
    String section = null;
    for (String raw : text.split("\r?\n")) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) continue;
      if (line.startsWith("[") && line.endsWith("]")) {
        section = line.substring(1, line.length() - 1).strip();
        continue;
      }
      int eq = line.indexOf('=');
      if (section == null || eq < 0) continue;
      if (line.substring(0, eq).strip().toLowerCase(Locale.ROOT).equals("key")) {
        keys.put(section, line.substring(eq + 1).strip());
      }
    }
    return new Keyring(keys);
  }

  /** The entities (sections) that hold a key. */
  public List<String> entities() {
    return new ArrayList<>(keys.keySet());
  }

  /**
   * The key of {@code client} ({@code cephflow} or {@code client.cephflow}).
   *
   * @throws IllegalStateException naming the entities the keyring has when it has none for this
   *     client
   */
  public String keyOf(String client) {
    String entity = client.contains(".") ? client : "client." + client;
    String key = keys.get(entity);
    if (key == null || key.isEmpty()) {
      throw new IllegalStateException(
          "the keyring has no key for " + entity + " (it has " + entities() + ")");
    }
    return key;
  }
}
