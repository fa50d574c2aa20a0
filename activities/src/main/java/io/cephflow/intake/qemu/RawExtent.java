package io.cephflow.intake.qemu;

import java.nio.ByteBuffer;

/**
 * Bytes of the decoded raw view at {@code offset}. {@code data} is owned by the receiver (a fresh
 * buffer per read), so it may be handed to another thread.
 */
public record RawExtent(long offset, ByteBuffer data) {
    public int length() {
        return data.remaining();
    }
}
