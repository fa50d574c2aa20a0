package io.cephflow.libvirt;

/** What {@link Hypervisor#define} did, so callers can log and tests can assert idempotency. */
public enum DefineOutcome {
  CREATED,
  UNCHANGED,
  REDEFINED
}
