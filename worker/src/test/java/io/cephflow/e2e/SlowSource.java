package io.cephflow.e2e;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One file served over HTTP on loopback at a bounded rate (as dev/slow-http.py does), so a flow
 * reading it is mid-write for long enough to break something under it; counts the GETs and the
 * bytes sent.
 */
final class SlowSource implements AutoCloseable {
  private final HttpServer server;
  private final AtomicLong sent = new AtomicLong();
  private final AtomicInteger gets = new AtomicInteger();

  SlowSource(Path file, long bytesPerSecond) throws Exception {
    byte[] data = Files.readAllBytes(file);
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          try (exchange) {
            exchange.getResponseHeaders().add("Content-Type", "application/octet-stream");
            if ("HEAD".equals(exchange.getRequestMethod())) {
              exchange.getResponseHeaders().add("Content-Length", String.valueOf(data.length));
              exchange.sendResponseHeaders(200, -1);
              return;
            }
            gets.incrementAndGet();
            exchange.sendResponseHeaders(200, data.length);
            int chunk = 64 << 10;
            long pause = Math.max(1, chunk * 1000L / bytesPerSecond);
            OutputStream out = exchange.getResponseBody();
            for (int off = 0; off < data.length; off += chunk) {
              int n = Math.min(chunk, data.length - off);
              out.write(data, off, n);
              out.flush();
              sent.addAndGet(n);
              Thread.sleep(pause);
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } catch (java.io.IOException e) {
            // the reader went away (a retried attempt reads again)
          }
        });
    server.setExecutor(
        java.util.concurrent.Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "slow-source");
              t.setDaemon(true);
              return t;
            }));
    server.start();
  }

  String url(String name) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + name;
  }

  long sent() {
    return sent.get();
  }

  int gets() {
    return gets.get();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
