package io.cephflow.starter.client;

import java.time.Instant;

/**
 * One operation in a listing: which flow, how it stands, when it started and ended (null while
 * running).
 */
public record OperationSummary(
    String id, String type, String status, Instant started, Instant closed) {}
