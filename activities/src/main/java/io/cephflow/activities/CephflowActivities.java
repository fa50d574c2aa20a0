package io.cephflow.activities;

/** Marks an activity implementation the worker registers (it finds every bean of this type). */
public interface CephflowActivities {}
