package io.cephflow.intake.qemu;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Several NBD connections to one qemu-nbd ({@code --shared=N}), one reader thread each: the
 * export is cut into segments, reader j decodes segments j, j+N, ..., and {@link #next()} hands
 * the extents out in ascending order (the RBD writer's resume point relies on that). Memory is
 * bounded by N queues of {@link #QUEUE_DEPTH} extents.
 */
final class StripedExtentSource implements RawExtentSource {
    static final long SEGMENT = 64L << 20;
    private static final int QUEUE_DEPTH = 4;
    private static final Object SEGMENT_END = new Object();

    private record Failed(IOException cause) {}

    private final QemuNbdServer server;
    private final List<NbdClient> clients;
    private final List<BlockingQueue<Object>> queues = new ArrayList<>();
    private final List<Thread> readers = new ArrayList<>();
    private final long size;
    private long segment;

    private StripedExtentSource(QemuNbdServer server, List<NbdClient> clients, int chunk) {
        this.server = server;
        this.clients = clients;
        this.size = clients.get(0).size();
        int n = clients.size();
        for (int j = 0; j < n; j++) {
            BlockingQueue<Object> q = new ArrayBlockingQueue<>(QUEUE_DEPTH);
            queues.add(q);
            NbdClient client = clients.get(j);
            int first = j;
            Thread t = new Thread(() -> read(client, chunk, first, n, q), "nbd-reader-" + j);
            t.setDaemon(true);
            readers.add(t);
        }
        readers.forEach(Thread::start);
    }

    static StripedExtentSource open(QemuNbdServer server, int chunk, int connections) throws IOException {
        List<NbdClient> clients = new ArrayList<>();
        try {
            for (int j = 0; j < connections; j++) {
                SocketChannel channel = server.connect();
                try {
                    clients.add(NbdClient.handshake(channel));
                } catch (IOException | RuntimeException e) {
                    channel.close();
                    throw e;
                }
            }
            return new StripedExtentSource(server, clients, chunk);
        } catch (IOException e) {
            IOException why = server.explain(e);
            closeAll(clients);
            server.close();
            throw why;
        } catch (RuntimeException e) {
            closeAll(clients);
            server.close();
            throw e;
        }
    }

    private void read(NbdClient client, int chunk, int first, int stride, BlockingQueue<Object> out) {
        try {
            ByteBuffer buffer = NbdExtentSource.chunkBuffer(chunk);
            for (long s = first; s * SEGMENT < size; s += stride) {
                NbdExtentSource walk = NbdExtentSource.range(server, client, buffer, s * SEGMENT,
                        Math.min(size, (s + 1) * SEGMENT));
                for (RawExtent e = walk.next(); e != null; e = walk.next()) {
                    out.put(e.copy()); // the walk reuses its buffer; the consumer is another thread
                }
                out.put(SEGMENT_END);
            }
        } catch (IOException e) {
            out.offer(new Failed(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // closing
        }
    }

    @Override
    public long virtualSize() {
        return size;
    }

    @Override
    public RawExtent next() throws IOException {
        try {
            while (segment * SEGMENT < size) {
                Object o = queues.get((int) (segment % queues.size())).take();
                if (o == SEGMENT_END) {
                    segment++;
                } else if (o instanceof Failed f) {
                    throw f.cause();
                } else {
                    return (RawExtent) o;
                }
            }
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while decoding", e);
        }
    }

    @Override
    public void close() throws IOException {
        readers.forEach(Thread::interrupt);
        for (BlockingQueue<Object> q : queues) {
            q.clear(); // unblock a reader waiting to put
        }
        try {
            closeAll(clients);
        } finally {
            server.close();
        }
    }

    private static void closeAll(List<NbdClient> clients) {
        for (NbdClient c : clients) {
            try {
                c.close();
            } catch (IOException ignored) {
                // the server is killed next anyway
            }
        }
    }
}
