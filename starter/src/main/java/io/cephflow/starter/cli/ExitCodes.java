package io.cephflow.starter.cli;

/** The CLI's exit codes, the same for every command (listed in its help and docs/cli.md). */
final class ExitCodes {
  static final int OK = 0;
  static final int FAILED = 1;
  static final int USAGE = 2;
  static final int AUTH = 3;
  static final int NOT_FOUND = 4;
  static final int CONFLICT = 5;
  static final int CANCELED = 6;
  static final int UNAVAILABLE = 7;
  static final int TIMED_OUT = 8;
  static final int DETACHED = 130;

  private ExitCodes() {}

  /** An API answer's status as an exit code. */
  static int forHttpStatus(int status) {
    return switch (status) {
      case 400, 405, 406, 413, 415, 422, 431 -> USAGE;
      case 401, 403 -> AUTH;
      case 404 -> NOT_FOUND;
      case 409 -> CONFLICT;
      default -> UNAVAILABLE;
    };
  }

  /**
   * An operation's status as an exit code: what {@code operation show} and every wait return. A
   * RUNNING operation is not a failure (show).
   */
  static int forOperationStatus(String status) {
    if (status == null) return UNAVAILABLE;
    return switch (status) {
      case "COMPLETED", "RUNNING", "CONTINUED_AS_NEW" -> OK;
      case "CANCELED" -> CANCELED;
      default -> FAILED; // FAILED, TERMINATED, TIMED_OUT
    };
  }
}
