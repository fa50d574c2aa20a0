package io.cephflow.starter.cli;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The run bin/cephflow records its class-data-sharing archive from (-XX:ArchiveClassesAtExit, once
 * per build): the usual paths of the CLI (help, parse errors, every output format, a start with
 * --wait, the failure paths) against a loopback stand-in for the API, so the archive holds the
 * classes a real command loads, not only those of --version.
 */
final class CdsTraining {
  private static final String UUID = "3f2a3e9e-6a53-4c1e-9d4f-2f0b8d7c1a10";

  public static void main(String[] args) throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    AtomicInteger polls = new AtomicInteger();
    server.createContext(
        "/",
        ex -> {
          String path = ex.getRequestURI().getPath();
          ex.getRequestBody().readAllBytes();
          int status = 200;
          String body;
          if (path.equals("/api/v1/images") && ex.getRequestMethod().equals("POST")) {
            status = 202;
            body =
                "{\"operationId\":\"image-upload-"
                    + UUID
                    + "\",\"imageId\":\""
                    + UUID
                    + "\",\"location\":\"/x\"}";
          } else if (path.equals("/api/v1/images")) {
            body = "{\"items\":[" + image() + "],\"nextPageToken\":null}";
          } else if (path.startsWith("/api/v1/images/")) {
            body = image();
          } else if (path.startsWith("/api/v1/operations/")) {
            boolean done = polls.incrementAndGet() > 2;
            body =
                "{\"id\":\"image-upload-"
                    + UUID
                    + "\",\"type\":\"UploadImage\",\"status\":\""
                    + (done ? "COMPLETED" : "RUNNING")
                    + "\",\"step\":\"write\",\"progress\":{\"bytesDone\":"
                    + polls.get() * 1048576
                    + ",\"bytesTotal\":67108864},"
                    + "\"result\":{\"imageId\":\""
                    + UUID
                    + "\"}}";
          } else {
            status = 404;
            body =
                "{\"type\":\"/problems/NotFound\",\"status\":404,\"detail\":\"no such thing\",\"error\":\"NotFound\","
                    + "\"errors\":[{\"field\":\"id\",\"message\":\"unknown\"}]}";
          }
          byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
          ex.getResponseHeaders()
              .add("Content-Type", status >= 400 ? "application/problem+json" : "application/json");
          ex.sendResponseHeaders(status, bytes.length);
          ex.getResponseBody().write(bytes);
          ex.close();
        });
    server.start();
    try {
      PrintStream none =
          new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
      Map<String, String> env =
          Map.of(
              "CEPHFLOW_API",
              "http://127.0.0.1:" + server.getAddress().getPort(),
              "CEPHFLOW_TOKEN",
              "training");
      for (boolean tty : new boolean[] {false, true}) {
        Cli.Context ctx = new Cli.Context(env, none, none, tty, tty, 100, 1);
        String[][] runs = {
          {"--version"},
          {"--help"},
          {},
          {"image", "upload", "--help"},
          {"help", "volume", "create"},
          {"image", "upload", "--nam", "x"},
          {"volume", "create", "--size-gb", "x", "--image", UUID},
          {"image", "list"},
          {"image", "list", "-f", "json"},
          {"image", "list", "-f", "yaml"},
          {"image", "list", "-f", "value", "-c", "id"},
          {"image", "show", UUID, "-f", "table"},
          {"image", "upload", "--name", "n", "--source", "/tmp/x.raw", "--wait"},
          {"operation", "show", "image-upload-" + UUID},
          {"server", "show", UUID},
          {"completion", "bash"}
        };
        for (String[] run : runs) Cli.run(ctx, run);
      }
      Cli.run(
          new Cli.Context(
              Map.of("CEPHFLOW_API", "http://127.0.0.1:1"), none, none, false, false, 80, 1),
          "volume",
          "list");
    } finally {
      server.stop(0);
    }
    System.exit(0);
  }

  private static String image() {
    return "{\"id\":\""
        + UUID
        + "\",\"name\":\"sample\",\"state\":\"available\",\"sizeBytes\":67108864,"
        + "\"diskFormat\":\"raw\",\"snapshotProtected\":true,\"children\":[],\"createdBy\":\"image-upload-"
        + UUID
        + "\"}";
  }
}
