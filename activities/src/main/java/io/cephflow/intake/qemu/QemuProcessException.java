package io.cephflow.intake.qemu;

import java.io.IOException;

/**
 * A qemu process that did not finish normally. A limit hit while reading an untrusted image is a
 * property of the image, so callers should not retry LIMIT_EXCEEDED or TIMED_OUT.
 */
public class QemuProcessException extends IOException {

  public enum Kind {
    /** Wall-clock timeout: the process was killed by cephflow. */
    TIMED_OUT,
    /** CPU or memory rlimit reached: the kernel or the allocator stopped the process. */
    LIMIT_EXCEEDED,
    /** Non-zero exit for any other reason; stderr is in the message. */
    FAILED
  }

  private final Kind kind;

  public QemuProcessException(Kind kind, String message) {
    super(kind + ": " + message);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
