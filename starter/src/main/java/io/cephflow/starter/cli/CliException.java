package io.cephflow.starter.cli;

/** What the user sees on stderr (after "cephflow: ") and the exit code it ends with. */
final class CliException extends RuntimeException {
  final int exitCode;

  CliException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }
}
