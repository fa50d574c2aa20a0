package io.cephflow.ceph;

/** What a streaming write did: bytes covered by the source, bytes written, zero bytes skipped. */
public record ImportResult(long bytesRead, long bytesWritten, long zeroBytesSkipped) {}
