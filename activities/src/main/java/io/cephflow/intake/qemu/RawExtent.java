package io.cephflow.intake.qemu;

import java.nio.ByteBuffer;

/**
 * Bytes of the decoded raw view at {@code offset}. {@code data} may be a view of the source's
 * reused buffer: it is valid until the source's next {@code next()} or {@code close()}; use
 * {@link #copy()} to keep it longer or to hand it to another thread.
 */
public record RawExtent(long offset, ByteBuffer data) {
    public int length() {
        return data.remaining();
    }

    /** The same extent in a buffer of its own (on the heap). */
    public RawExtent copy() {
        ByteBuffer own = ByteBuffer.allocate(data.remaining());
        own.put(data.duplicate()).flip();
        return new RawExtent(offset, own);
    }
}
