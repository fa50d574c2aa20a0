package io.cephflow.starter.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A loopback stand-in for the REST API: answers are queued per "METHOD path" (the last one
 * repeats), every request is recorded as "METHOD uri body", and the CLI runs in-process against it
 * with its own stdout, stderr and environment.
 */
final class StubApi implements AutoCloseable {
  record Answer(int status, String body) {}

  record Run(int code, String out, String err) {}

  private final HttpServer server;
  private final Map<String, Deque<Answer>> answers = new HashMap<>();
  final List<String> seen = new ArrayList<>();
  final List<String> authorizations = new ArrayList<>();
  final Map<String, String> env = new HashMap<>();
  boolean ttyOut;
  boolean ttyErr;

  StubApi() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.start();
    env.put("CEPHFLOW_API", url());
    env.put("CEPHFLOW_TOKEN", "t0ken");
    env.put("HOME", "/nonexistent");
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Queues an answer to "METHOD /path" (the query is not part of the key). */
  StubApi on(String methodAndPath, int status, String body) {
    answers
        .computeIfAbsent(methodAndPath, k -> new ArrayDeque<>())
        .addLast(new Answer(status, body));
    return this;
  }

  private synchronized void handle(HttpExchange ex) throws IOException {
    String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    seen.add(ex.getRequestMethod() + " " + ex.getRequestURI() + (body.isEmpty() ? "" : " " + body));
    authorizations.add(ex.getRequestHeaders().getFirst("Authorization"));
    Deque<Answer> q = answers.get(ex.getRequestMethod() + " " + ex.getRequestURI().getPath());
    Answer a =
        q == null || q.isEmpty()
            ? new Answer(
                404,
                "{\"type\":\"/problems/NotFound\",\"title\":\"Not Found\","
                    + "\"status\":404,\"detail\":\"no route in the stub\",\"error\":\"NotFound\"}")
            : q.size() > 1 ? q.removeFirst() : q.peekFirst();
    byte[] bytes = a.body().getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders()
        .add("Content-Type", a.status() >= 400 ? "application/problem+json" : "application/json");
    ex.sendResponseHeaders(a.status(), bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) ex.getResponseBody().write(bytes);
    ex.close();
  }

  Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Cli.Context ctx =
        new Cli.Context(
            Map.copyOf(env),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            ttyOut,
            ttyErr,
            120,
            5);
    int code = Cli.run(ctx, args);
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
