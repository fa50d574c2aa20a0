package io.cephflow.ceph;

import java.util.Optional;

/**
 * Small named records kept in a pool, beside the data they describe (the resource records of the
 * lifecycle: see docs/architecture.md). Writes are atomic and conditional, so two workers changing
 * one record never both win: {@link #create} succeeds once per key, ever, and {@link #replace} only
 * over the value the caller read.
 */
public interface RecordStore {
  /** The record's value, or empty when there is none. */
  Optional<String> read(String pool, String key);

  /** Writes the first value of {@code key}; false when the key already has one (kept as it was). */
  boolean create(String pool, String key, String value);

  /**
   * Replaces {@code expected} with {@code value}; false (nothing written) when the record changed.
   */
  boolean replace(String pool, String key, String expected, String value);

  /**
   * Every key with a record in the pool, in no order (a listing: one pass over the pool's records).
   */
  java.util.List<String> keys(String pool);

  /**
   * Removes the record if it still holds {@code expected}; false (nothing removed) when it changed.
   */
  boolean remove(String pool, String key, String expected);
}
