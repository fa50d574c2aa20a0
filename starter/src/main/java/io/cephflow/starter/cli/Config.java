package io.cephflow.starter.cli;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the API is and how to authenticate: flags first, then the environment, then the config file
 * ({@code key = value} lines: {@code api}, {@code token-file}; {@code #} comments). The token
 * itself is never an argument or a config value (other users see arguments in ps); bin/cephflow
 * names the dev stack's token file last, as {@code CEPHFLOW_DEV_TOKEN_FILE}.
 *
 * @param token the bearer token, or null when none is configured
 * @param tokenFrom where it came from, for the message of a 401
 */
record Config(URI api, String token, String tokenFrom) {
  static final String DEFAULT_API = "http://127.0.0.1:8080";
  private static final List<String> KEYS = List.of("api", "token-file");

  static Config resolve(Cli flags, Map<String, String> env) {
    Path configFile = configFile(flags.config, env);
    Map<String, String> file =
        configFile == null
            ? Map.of()
            : read(configFile, flags.config != null || present(env.get("CEPHFLOW_CONFIG")));
    String api = first(flags.api, env.get("CEPHFLOW_API"), file.get("api"), DEFAULT_API);
    String token = null;
    String from = null;
    if (present(flags.tokenFile)) {
      token = readToken(expand(flags.tokenFile, env), "--token-file");
      from = "--token-file " + flags.tokenFile;
    } else if (present(env.get("CEPHFLOW_TOKEN"))) {
      token = env.get("CEPHFLOW_TOKEN").strip();
      from = "$CEPHFLOW_TOKEN";
    } else if (present(env.get("CEPHFLOW_TOKEN_FILE"))) {
      token = readToken(expand(env.get("CEPHFLOW_TOKEN_FILE"), env), "$CEPHFLOW_TOKEN_FILE");
      from = "$CEPHFLOW_TOKEN_FILE (" + env.get("CEPHFLOW_TOKEN_FILE") + ")";
    } else if (present(file.get("token-file"))) {
      Path p = expand(file.get("token-file"), env);
      if (!p.isAbsolute()) p = configFile.getParent().resolve(p);
      token = readToken(p, configFile + ": token-file");
      from = "token-file " + p + " (" + configFile + ")";
    } else if (present(env.get("CEPHFLOW_DEV_TOKEN_FILE"))
        && Files.isReadable(Path.of(env.get("CEPHFLOW_DEV_TOKEN_FILE")))) {
      token = readToken(Path.of(env.get("CEPHFLOW_DEV_TOKEN_FILE")), "the dev stack's token file");
      from = "the dev stack's token file " + env.get("CEPHFLOW_DEV_TOKEN_FILE");
    }
    return new Config(apiUri(api), token, from);
  }

  /** The named file, or the default one when it exists; null when there is none. */
  private static Path configFile(String flag, Map<String, String> env) {
    if (present(flag)) return expand(flag, env);
    if (present(env.get("CEPHFLOW_CONFIG"))) return expand(env.get("CEPHFLOW_CONFIG"), env);
    String xdg = env.get("XDG_CONFIG_HOME");
    String home = env.get("HOME");
    if (present(xdg)) return Path.of(xdg, "cephflow", "config");
    return present(home) ? Path.of(home, ".config", "cephflow", "config") : null;
  }

  /** {@code key = value} lines; an unknown key, or the token itself, is refused with its line. */
  static Map<String, String> read(Path file, boolean named) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (NoSuchFileException e) {
      if (named) throw new CliException(ExitCodes.USAGE, "config file " + file + " does not exist");
      return Map.of();
    } catch (IOException e) {
      throw new CliException(
          ExitCodes.USAGE, "cannot read config file " + file + ": " + e.getMessage());
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) continue;
      String where = file + ":" + (i + 1) + ": ";
      int eq = line.indexOf('=');
      if (eq < 0) throw new CliException(ExitCodes.USAGE, where + "expected 'key = value'");
      String key = line.substring(0, eq).strip();
      String value = line.substring(eq + 1).strip();
      if (key.equals("token")) {
        throw new CliException(
            ExitCodes.USAGE,
            where
                + "the token itself does not go here: put it in a file "
                + "only you can read and name that file with 'token-file = PATH'");
      }
      if (!KEYS.contains(key)) {
        throw new CliException(
            ExitCodes.USAGE,
            where + "unknown key '" + key + "' (keys: " + String.join(", ", KEYS) + ")");
      }
      out.put(key, value);
    }
    return out;
  }

  private static String readToken(Path file, String what) {
    try {
      String token = Files.readString(file).strip();
      if (token.isEmpty()) throw new CliException(ExitCodes.AUTH, what + ": " + file + " is empty");
      return token;
    } catch (IOException e) {
      throw new CliException(
          ExitCodes.AUTH,
          what
              + ": cannot read "
              + file
              + " ("
              + e.getClass().getSimpleName().replace("Exception", "")
              + ")");
    }
  }

  private static URI apiUri(String api) {
    try {
      URI uri = new URI(api.endsWith("/") ? api.substring(0, api.length() - 1) : api);
      if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          || uri.getHost() == null) {
        throw new URISyntaxException(api, "expected http(s)://HOST[:PORT]");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new CliException(ExitCodes.USAGE, "the API URL '" + api + "' is not an http(s) URL");
    }
  }

  private static Path expand(String path, Map<String, String> env) {
    if ((path.equals("~") || path.startsWith("~/")) && present(env.get("HOME"))) {
      return Path.of(env.get("HOME") + path.substring(1));
    }
    return Path.of(path);
  }

  private static String first(String... values) {
    for (String v : values) if (present(v)) return v.strip();
    return null;
  }

  private static boolean present(String s) {
    return s != null && !s.isBlank();
  }
}
