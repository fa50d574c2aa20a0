package io.cephflow.workflows.hypervisor;

/**
 * What {@link HypervisorActivities#defineDomain} did (the libvirt port's define), so callers can
 * log and tests can assert idempotency. Serialized by name: histories recorded when the activity
 * returned a string ({@code "CREATED"}) read back as these constants.
 */
public enum DefineOutcome {
  CREATED,
  UNCHANGED,
  REDEFINED
}
