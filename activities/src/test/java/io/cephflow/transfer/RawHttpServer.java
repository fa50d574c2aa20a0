package io.cephflow.transfer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback HTTP server that writes exactly the bytes a test gives it, broken or endless: one
 * thread per connection, the request head recorded, then the handler's bytes.
 */
public final class RawHttpServer implements AutoCloseable {
  public interface Handler {
    void respond(String request, OutputStream out, RawHttpServer server) throws Exception;
  }

  private final ServerSocket socket;
  private final Handler handler;
  private final AtomicInteger accepted = new AtomicInteger();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private final CountDownLatch closed = new CountDownLatch(1);

  public RawHttpServer(Handler handler) throws IOException {
    this.socket = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
    this.handler = handler;
    Thread t = new Thread(this::accept, "raw-http-accept");
    t.setDaemon(true);
    t.start();
  }

  /** A handler that sends {@code response} and closes. */
  public static Handler sends(String response) {
    return (request, out, server) -> out.write(response.getBytes(StandardCharsets.ISO_8859_1));
  }

  public int port() {
    return socket.getLocalPort();
  }

  public String url(String path) {
    return "http://127.0.0.1:" + port() + path;
  }

  public int accepted() {
    return accepted.get();
  }

  public List<String> requests() {
    return requests;
  }

  /** Blocks a handler until the server closes: a server that stalls. */
  public void hold() throws InterruptedException {
    closed.await();
  }

  private void accept() {
    while (!socket.isClosed()) {
      Socket s;
      try {
        s = socket.accept();
      } catch (IOException e) {
        return;
      }
      accepted.incrementAndGet();
      open.add(s);
      Thread t = new Thread(() -> serve(s), "raw-http-conn");
      t.setDaemon(true);
      t.start();
    }
  }

  private void serve(Socket s) {
    try (s) {
      String request = head(s.getInputStream());
      requests.add(request);
      OutputStream out = s.getOutputStream();
      handler.respond(request, out, this);
      out.flush();
    } catch (Exception e) {
      // the client went away: what an endless body ends with
    }
  }

  private static String head(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int state = 0;
    for (int c; state < 4 && (c = in.read()) >= 0; ) {
      b.write(c);
      state =
          (c == '\r' && state % 2 == 0) || (c == '\n' && state % 2 == 1)
              ? state + 1
              : c == '\r' ? 1 : 0;
    }
    return b.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() throws IOException {
    closed.countDown();
    socket.close();
    for (Socket s : open) s.close();
  }
}
