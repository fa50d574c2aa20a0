package io.cephflow.transfer;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * How much one staging may write: the smaller of the source size cap and what the scratch file
 * system can take without touching its reserve. Free space is read again every {@link
 * #RECHECK_EVERY} bytes, so stagings running side by side cannot fill the disk between them either.
 */
public final class StagingLimit {
  static final long RECHECK_EVERY = 64L << 20;
  private final long cap;
  private final ScratchArea area;
  private long limit;
  private long checkedAt;
  private long usable;
  private long reserve;

  StagingLimit(long cap, ScratchArea area) {
    this.cap = cap;
    this.area = area;
    this.limit = measure(0);
  }

  /** The most that may be staged, as last measured. */
  public long bytes() {
    return limit;
  }

  /** Refuses a source that announces more than may be staged, before a byte is written. */
  public void checkAnnounced(long length) throws SourceTooLargeException {
    if (length > limit) throw tooLarge("the source is " + length + " bytes");
  }

  /** Call as bytes are written: fails as soon as {@code staged} passes the limit. */
  public void check(long staged) throws SourceTooLargeException {
    if (staged - checkedAt >= RECHECK_EVERY) {
      limit = Math.min(limit, measure(staged));
      checkedAt = staged;
    }
    if (staged > limit) throw tooLarge("the source is more than " + limit + " bytes");
  }

  /** What was written so far is already out of the usable space: it counts towards the limit. */
  private long measure(long staged) {
    try {
      usable = area.usable();
      reserve = area.reserve();
    } catch (IOException e) {
      throw new UncheckedIOException("free space of " + area.dir() + ": " + e.getMessage(), e);
    }
    return Math.min(cap, staged + Math.max(0, usable - reserve));
  }

  private SourceTooLargeException tooLarge(String what) {
    return new SourceTooLargeException(
        what
            + ", more than may be staged: the limit is "
            + limit
            + " bytes, the smaller of the source size limit ("
            + cap
            + " bytes) and what the scratch file system "
            + "can take ("
            + usable
            + " bytes usable"
            + (checkedAt > 0 ? " after " + checkedAt + " staged" : "")
            + ", of which "
            + reserve
            + " are kept free)");
  }
}
