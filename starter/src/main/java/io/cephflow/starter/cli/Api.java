package io.cephflow.starter.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The REST API, JSON in and out (Jackson). A refusal becomes a {@link CliException} whose message
 * is the problem body's {@code detail} and fields, and whose exit code follows the status; an
 * unreachable API is {@link ExitCodes#UNAVAILABLE}. HttpURLConnection rather than java.net.http: a
 * CLI makes a request or two, and it starts faster.
 */
final class Api {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final int CONNECT_TIMEOUT_MS = 5_000;
  private static final int READ_TIMEOUT_MS = 60_000;

  private final Config config;

  Api(Config config) {
    this.config = config;
  }

  JsonNode get(String path, Map<String, ?> query) {
    return send("GET", path + query(query), null);
  }

  JsonNode get(String path) {
    return send("GET", path, null);
  }

  JsonNode post(String path, JsonNode body) {
    return send("POST", path, body);
  }

  JsonNode delete(String path, Map<String, ?> query) {
    return send("DELETE", path + query(query), null);
  }

  /** {@code ?a=1&b=x}, absent values left out, every value URL-encoded. */
  static String query(Map<String, ?> params) {
    StringJoiner q = new StringJoiner("&", "?", "").setEmptyValue("");
    params.forEach(
        (k, v) -> {
          if (v != null)
            q.add(k + "=" + URLEncoder.encode(String.valueOf(v), StandardCharsets.UTF_8));
        });
    return q.toString();
  }

  /** A map that keeps the order of the parameters as given (Map.of does not, and refuses nulls). */
  static Map<String, Object> params(Object... keysAndValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2)
      m.put((String) keysAndValues[i], keysAndValues[i + 1]);
    return m;
  }

  private JsonNode send(String method, String pathAndQuery, JsonNode body) {
    URI uri = URI.create(config.api() + pathAndQuery);
    HttpURLConnection c = null;
    try {
      c = (HttpURLConnection) uri.toURL().openConnection();
      c.setRequestMethod(method);
      c.setConnectTimeout(CONNECT_TIMEOUT_MS);
      c.setReadTimeout(READ_TIMEOUT_MS);
      c.setInstanceFollowRedirects(false);
      c.setRequestProperty("Accept", "application/json, application/problem+json");
      if (config.token() != null) c.setRequestProperty("Authorization", "Bearer " + config.token());
      if (body != null || method.equals("POST")) {
        byte[] bytes = body == null ? new byte[0] : JSON.writeValueAsBytes(body);
        c.setDoOutput(true);
        if (body != null) c.setRequestProperty("Content-Type", "application/json");
        c.setFixedLengthStreamingMode(bytes.length);
        try (OutputStream out = c.getOutputStream()) {
          out.write(bytes);
        }
      }
      int status = c.getResponseCode();
      InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
      byte[] answer = in == null ? new byte[0] : in.readAllBytes();
      if (status >= 200 && status < 300) return parse(answer, method, uri);
      throw refused(status, answer, method, uri);
    } catch (ConnectException | UnknownHostException | SocketTimeoutException e) {
      throw new CliException(
          ExitCodes.UNAVAILABLE,
          "cannot reach the API at "
              + config.api()
              + " ("
              + reason(e)
              + "); is it running? (--api, $CEPHFLOW_API)");
    } catch (IOException e) {
      throw new CliException(
          ExitCodes.UNAVAILABLE, "the API at " + config.api() + " failed: " + reason(e));
    } finally {
      if (c != null) c.disconnect();
    }
  }

  private static JsonNode parse(byte[] answer, String method, URI uri) {
    if (answer.length == 0) return JSON.createObjectNode();
    try {
      return JSON.readTree(answer);
    } catch (IOException e) {
      throw new CliException(
          ExitCodes.UNAVAILABLE, method + " " + uri.getPath() + ": the API's answer is not JSON");
    }
  }

  /** The problem body as a person reads it: detail, the fields at fault, the deciding operation. */
  private CliException refused(int status, byte[] answer, String method, URI uri) {
    JsonNode p = null;
    try {
      p = answer.length == 0 ? null : JSON.readTree(answer);
    } catch (JsonProcessingException ignored) {
      // not a problem body (a proxy's page): the status says it
    } catch (IOException ignored) {
      // same
    }
    StringBuilder m = new StringBuilder();
    String code = p == null ? null : text(p, "error");
    String detail = p == null ? null : text(p, "detail");
    m.append(
        detail != null
            ? detail
            : (p != null && text(p, "title") != null
                ? text(p, "title")
                : method + " " + uri.getPath() + " answered HTTP " + status));
    m.append(" (")
        .append(code != null ? code + ", " : "")
        .append("HTTP ")
        .append(status)
        .append(")");
    if (p != null && p.path("errors").isArray()) {
      for (JsonNode e : p.path("errors")) {
        String field = text(e, "field");
        String message = text(e, "message");
        if (message != null)
          m.append("\n  ").append(field == null ? "" : field + ": ").append(message);
      }
    }
    if (p != null && text(p, "operationId") != null) {
      m.append("\n  decided by operation ")
          .append(text(p, "operationId"))
          .append(" (cephflow operation show ")
          .append(text(p, "operationId"))
          .append(")");
    }
    if (status == 401) {
      m.append(
          config.token() == null
              ? "\n  no token is configured: set CEPHFLOW_TOKEN or CEPHFLOW_TOKEN_FILE, or 'token-file' in ~/.config/cephflow/config"
              : "\n  the token came from " + config.tokenFrom());
    }
    return new CliException(ExitCodes.forHttpStatus(status), m.toString());
  }

  static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() || v.isContainerNode() ? null : v.asText();
  }

  private static String reason(IOException e) {
    String m = e.getMessage();
    String kind =
        e.getClass()
            .getSimpleName()
            .replace("Exception", "")
            .replaceAll("([a-z])([A-Z])", "$1 $2")
            .toLowerCase();
    return m == null || m.isBlank() ? kind : kind + ": " + m;
  }
}
