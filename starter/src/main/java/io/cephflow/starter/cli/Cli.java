package io.cephflow.starter.cli;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The cephflow command line: a thin client of the REST API (JDK only, so it runs from the
 * plain starter jar). Exit codes: 0 done, 1 the operation failed, 2 bad usage or request.
 */
public final class Cli {
  private static final String USAGE = """
      usage: cephflow [--api URL] COMMAND
        image upload --name NAME --source PATH|URL [--id UUID] [--format raw] [--checksum sha256:HEX|sha512:HEX] [--wait]
        image delete IMAGE_ID [--flatten-dependents] [--wait]
        volume create (--image UUID | --source-volume UUID --snapshot UUID [--flatten never|always|depth]
                      [--max-clone-depth N]) [--size-gb N | --size-bytes N] [--id UUID] [--wait]
        volume snapshot VOLUME_ID [--id UUID] [--wait]
        volume delete VOLUME_ID [--snapshot SNAPSHOT_ID] [--flatten-dependents] [--wait]
        server boot (--image UUID | --volume UUID [--snapshot UUID]) [--id UUID] [--hypervisor NAME]
                    [--root-gb N] [--memory-mib N] [--vcpus N] [--forbid-slow-path] [--wait]
        server snapshot SERVER_ID --name NAME [--image-id UUID] [--hypervisor NAME] [--wait]
        server delete SERVER_ID [--hypervisor NAME] [--wait]
        operation show ID
        operation list --resource image|volume|snapshot|server:UUID [--limit N]
        operation wait ID [--timeout SECONDS]
        operation cancel ID [--wait]
      --api defaults to $CEPHFLOW_API or http://127.0.0.1:8080
      the bearer token comes from $CEPHFLOW_TOKEN, or the file $CEPHFLOW_TOKEN_FILE (bin/cephflow
      uses the dev stack's .state/api/token when neither is set)""";
  private static final Pattern STATUS = Pattern.compile("\"status\"\\s*:\\s*\"([A-Z_]+)\"");
  private static final java.util.Set<String> FLAGS = java.util.Set.of("wait", "flatten-dependents", "forbid-slow-path");
  private static final Pattern OPERATION = Pattern.compile("\"operationId\"\\s*:\\s*\"([^\"]+)\"");

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String api;

  Cli(String api) {
    this.api = api.endsWith("/") ? api.substring(0, api.length() - 1) : api;
  }

  public static void main(String[] args) {
    List<String> rest = new ArrayList<>(List.of(args));
    String api = System.getenv().getOrDefault("CEPHFLOW_API", "http://127.0.0.1:8080");
    if (rest.size() >= 2 && rest.get(0).equals("--api")) {
      api = rest.get(1);
      rest = rest.subList(2, rest.size());
    }
    try {
      System.exit(new Cli(api).run(rest));
    } catch (UsageException e) {
      System.err.println("cephflow: " + e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
    } catch (IOException e) {
      System.err.println("cephflow: cannot reach the API at " + api + ": " + e);
      System.exit(2);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      System.exit(130);
    }
  }

  /**
   * A URL (anything with a scheme: http:, https:, file:) goes as it is; a path is made absolute
   * against the current directory, as a user typing a relative path means. The worker reads it
   * on its host, and only under its allowed directories.
   */
  static String source(String source) {
    if (URL_SCHEME.matcher(source).lookingAt()) return source;
    return Path.of(source).toAbsolutePath().normalize().toString();
  }

  private static final Pattern URL_SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*:");

  int run(List<String> args) throws IOException, InterruptedException {
    if (args.size() < 2) throw new UsageException("missing command");
    String command = args.get(0) + " " + args.get(1);
    Map<String, String> opts = options(args.subList(2, args.size()));
    switch (command) {
      case "image upload" -> {
        String body = json(Map.of(
            "imageId", opts.getOrDefault("id", ""),
            "name", required(opts, "name"),
            "source", source(required(opts, "source")),
            "diskFormat", opts.getOrDefault("format", "raw"),
            "checksum", opts.getOrDefault("checksum", opts.getOrDefault("sha256", ""))));
        return started(post("/api/v1/images", body), opts);
      }
      case "image delete" -> {
        return started(delete("/api/v1/images/" + positional(args, "image id"), opts), opts);
      }
      case "volume create" -> {
        String body = json(Map.of(
            "volumeId", opts.getOrDefault("id", ""),
            "imageId", opts.getOrDefault("image", ""),
            "sourceVolumeId", opts.getOrDefault("source-volume", ""),
            "snapshotId", opts.getOrDefault("snapshot", ""),
            "flatten", opts.getOrDefault("flatten", ""),
            "maxCloneDepth", opts.getOrDefault("max-clone-depth", ""),
            "sizeGb", opts.getOrDefault("size-gb", ""),
            "sizeBytes", opts.getOrDefault("size-bytes", "")));
        return started(post("/api/v1/volumes", body), opts);
      }
      case "volume snapshot" -> {
        String path = "/api/v1/volumes/" + positional(args, "volume id") + "/snapshots";
        return started(post(path, json(Map.of("snapshotId", opts.getOrDefault("id", "")))), opts);
      }
      case "volume delete" -> {
        String path = "/api/v1/volumes/" + positional(args, "volume id")
            + (opts.containsKey("snapshot") ? "/snapshots/" + opts.get("snapshot") : "");
        return started(delete(path, opts), opts);
      }
      case "server boot" -> {
        String body = json(Map.of(
            "serverId", opts.getOrDefault("id", ""),
            "hypervisor", opts.getOrDefault("hypervisor", ""),
            "imageId", opts.getOrDefault("image", ""),
            "volumeId", opts.getOrDefault("volume", ""),
            "snapshotId", opts.getOrDefault("snapshot", ""),
            "rootDiskGb", opts.getOrDefault("root-gb", ""),
            "memoryMiB", opts.getOrDefault("memory-mib", ""),
            "vcpus", opts.getOrDefault("vcpus", ""),
            "forbidSlowPath", opts.getOrDefault("forbid-slow-path", "")));
        return started(post("/api/v1/servers", body), opts);
      }
      case "server snapshot" -> {
        String body = json(Map.of(
            "imageId", opts.getOrDefault("image-id", ""),
            "name", required(opts, "name"),
            "hypervisor", opts.getOrDefault("hypervisor", "")));
        return started(post("/api/v1/servers/" + positional(args, "server id") + "/images", body), opts);
      }
      case "server delete" -> {
        return started(delete("/api/v1/servers/" + positional(args, "server id"), opts), opts);
      }
      case "operation show" -> {
        HttpResponse<String> r = get(positional(args, "operation id"));
        if (r.statusCode() != 200) return failRequest(r);
        System.out.println(r.body());
        return 0;
      }
      case "operation list" -> {
        String query = "?resource=" + URLEncoder.encode(required(opts, "resource"), StandardCharsets.UTF_8)
            + "&limit=" + URLEncoder.encode(opts.getOrDefault("limit", "100"), StandardCharsets.UTF_8);
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(api + "/api/v1/operations" + query)).GET().build());
        if (r.statusCode() != 200) return failRequest(r);
        System.out.println(r.body());
        return 0;
      }
      case "operation cancel" -> {
        String id = positional(args, "operation id");
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(api + "/api/v1/operations/" + id + "/cancel"))
            .POST(HttpRequest.BodyPublishers.noBody()).build());
        if (r.statusCode() != 202) return failRequest(r);
        System.out.println(r.body());
        return opts.containsKey("wait") ? await(id, Long.parseLong(opts.getOrDefault("timeout", "3600")), "CANCELED") : 0;
      }
      case "operation wait" -> {
        return await(positional(args, "operation id"), Long.parseLong(opts.getOrDefault("timeout", "3600")));
      }
      default -> throw new UsageException("unknown command '" + command + "'");
    }
  }

  private int await(String id, long timeoutSeconds) throws IOException, InterruptedException {
    return await(id, timeoutSeconds, "COMPLETED");
  }

  /** Follows the operation to its end: 0 when it ended {@code success}, else 1. */
  private int await(String id, long timeoutSeconds, String success) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(timeoutSeconds).toNanos();
    String last = "";
    while (true) {
      HttpResponse<String> r = get(id);
      if (r.statusCode() != 200) return failRequest(r);
      Matcher m = STATUS.matcher(r.body());
      String status = m.find() ? m.group(1) : "UNKNOWN";
      if (!status.equals("RUNNING")) {
        System.out.println(r.body());
        return status.equals(success) ? 0 : 1;
      }
      if (!r.body().equals(last)) System.err.println(r.body());
      last = r.body();
      if (System.nanoTime() > deadline) {
        System.err.println("cephflow: still running after " + timeoutSeconds + " s");
        return 1;
      }
      Thread.sleep(1000);
    }
  }

  /** Prints the 202 answer; with --wait, follows the operation to its end. */
  private int started(HttpResponse<String> r, Map<String, String> opts) throws IOException, InterruptedException {
    if (r.statusCode() != 202) return failRequest(r);
    System.out.println(r.body());
    if (!opts.containsKey("wait")) return 0;
    Matcher m = OPERATION.matcher(r.body());
    if (!m.find()) throw new IOException("no operationId in " + r.body());
    return await(m.group(1), Long.parseLong(opts.getOrDefault("timeout", "3600")));
  }

  private HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(URI.create(api + path))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build());
  }

  private HttpResponse<String> delete(String path, Map<String, String> opts) throws IOException, InterruptedException {
    List<String> query = new ArrayList<>();
    if (opts.containsKey("flatten-dependents")) query.add("flattenDependents=true");
    if (opts.containsKey("hypervisor")) query.add("hypervisor=" + URLEncoder.encode(opts.get("hypervisor"), StandardCharsets.UTF_8));
    String q = query.isEmpty() ? "" : "?" + String.join("&", query);
    return send(HttpRequest.newBuilder(URI.create(api + path + q)).DELETE().build());
  }

  private HttpResponse<String> get(String id) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(URI.create(api + "/api/v1/operations/" + id)).GET().build());
  }

  private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
    String token = token();
    if (token != null) request = HttpRequest.newBuilder(request, (n, v) -> true)
        .header("Authorization", "Bearer " + token).build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  /** The API's bearer token: never a command-line argument (other users see those in ps). */
  static String token() throws IOException {
    String token = System.getenv("CEPHFLOW_TOKEN");
    if (token != null && !token.isBlank()) return token.strip();
    String file = System.getenv("CEPHFLOW_TOKEN_FILE");
    if (file == null || file.isBlank()) return null;
    return java.nio.file.Files.readString(java.nio.file.Path.of(file)).strip();
  }

  private static int failRequest(HttpResponse<String> r) {
    System.err.println("cephflow: HTTP " + r.statusCode() + ": " + r.body());
    return 2;
  }

  private static String positional(List<String> args, String what) {
    if (args.size() < 3 || args.get(2).startsWith("--")) throw new UsageException("missing " + what);
    return args.get(2);
  }

  private static Map<String, String> options(List<String> args) {
    Map<String, String> out = new HashMap<>();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (!a.startsWith("--")) continue;
      String key = a.substring(2);
      if (FLAGS.contains(key)) {
        out.put(key, "true");
      } else if (i + 1 < args.size()) {
        out.put(key, args.get(++i));
      } else {
        throw new UsageException("--" + key + " needs a value");
      }
    }
    return out;
  }

  private static String required(Map<String, String> opts, String key) {
    String v = opts.get(key);
    if (v == null || v.isBlank()) throw new UsageException("--" + key + " is required");
    return v;
  }

  static String json(Map<String, String> fields) {
    StringBuilder b = new StringBuilder("{");
    fields.forEach((k, v) -> {
      if (v.isEmpty()) return;
      if (b.length() > 1) b.append(',');
      b.append('"').append(k).append("\":\"").append(escape(v)).append('"');
    });
    return b.append('}').toString();
  }

  static String escape(String s) {
    StringBuilder b = new StringBuilder();
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        default -> {
          if (c < 0x20) b.append(String.format("\\u%04x", (int) c)); else b.append(c);
        }
      }
    }
    return b.toString();
  }

  static final class UsageException extends RuntimeException {
    UsageException(String message) {
      super(message);
    }
  }
}
