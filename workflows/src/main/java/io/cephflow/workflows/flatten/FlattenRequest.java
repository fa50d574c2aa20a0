package io.cephflow.workflows.flatten;

import io.cephflow.workflows.common.RbdRef;

/** Flatten {@code image} (detach it from its parent) through the cluster-wide limit. */
public record FlattenRequest(RbdRef image) {}
