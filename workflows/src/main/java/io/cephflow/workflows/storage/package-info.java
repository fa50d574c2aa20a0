/**
 * The storage side's activities (RBD, import, conversion, resource records; the storage task queue,
 * or a host's for staged files) and their request and result records. The hypervisor's are in
 * {@code hypervisor}.
 */
package io.cephflow.workflows.storage;
