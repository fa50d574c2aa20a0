package io.cephflow.workflows.common;

import java.util.List;

/**
 * What a delete did: {@code existed} is false when there was nothing to delete (deletes are
 * idempotent); {@code flattened} names the dependent clones flattened first.
 */
public record DeleteResult(String resource, boolean existed, List<String> flattened) {}
