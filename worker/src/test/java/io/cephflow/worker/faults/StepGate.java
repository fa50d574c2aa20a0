package io.cephflow.worker.faults;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds chosen activity attempts of this worker until the test opens the gate, so that many flows
 * stand at known steps at once (while the test breaks something under them). Driven by files in
 * {@code cephflow.faults.gate-dir}, read at each attempt, so one worker serves several phases:
 *
 * <ul>
 *   <li>{@code rules}: one {@code before|after:ActivityType@workflowId} a line ({@code before}: the
 *       attempt was handed to this worker and has not run; {@code after}: its code returned, its
 *       result has not reached Temporal);
 *   <li>{@code held/<workflowId>~<when>-<ActivityType>}: written by an attempt as it stops there;
 *   <li>{@code open}: while it exists, nothing is held and held attempts go on.
 * </ul>
 *
 * A held attempt heartbeats (a long activity's heartbeat timeout would otherwise retry it).
 */
public final class StepGate {
  private static final Logger log = LoggerFactory.getLogger(StepGate.class);

  public enum When {
    BEFORE,
    AFTER
  }

  public record Rule(When when, String activityType, String workflowId) {
    static Rule parse(String spec) {
      String[] parts = spec.trim().split("[:@]", 3);
      if (parts.length != 3 || parts[1].isBlank() || parts[2].isBlank()) {
        throw new IllegalArgumentException(
            "gate rule '" + spec + "': expected before|after:<ActivityType>@<workflowId>");
      }
      return new Rule(When.valueOf(parts[0].toUpperCase(Locale.ROOT)), parts[1], parts[2]);
    }

    public String line() {
      return when.name().toLowerCase(Locale.ROOT) + ":" + activityType + "@" + workflowId;
    }
  }

  private final Path dir;

  public StepGate(Path dir) {
    this.dir = dir;
  }

  static List<Rule> parse(List<String> lines) {
    return lines.stream().filter(s -> !s.isBlank()).map(Rule::parse).toList();
  }

  private boolean open() {
    return Files.exists(dir.resolve("open"));
  }

  boolean matches(When when, String activityType, String workflowId) {
    if (open()) return false;
    Path rules = dir.resolve("rules");
    if (!Files.exists(rules)) return false;
    try {
      return parse(Files.readAllLines(rules)).stream()
          .anyMatch(
              r ->
                  r.when() == when
                      && r.activityType().equals(activityType)
                      && r.workflowId().equals(workflowId));
    } catch (IOException e) {
      throw new IllegalStateException("gate: cannot read " + rules, e);
    }
  }

  /** Waits at the gate if a rule names this point; {@code beat} keeps the attempt alive. */
  void pass(When when, String activityType, String workflowId, Runnable beat) {
    if (!matches(when, activityType, workflowId)) return;
    String point = when.name().toLowerCase(Locale.ROOT) + "-" + activityType;
    log.warn("fault injection: {} of {} held at the gate", point, workflowId);
    try {
      Path held = Files.createDirectories(dir.resolve("held"));
      try {
        Files.createFile(held.resolve(workflowId + "~" + point));
      } catch (FileAlreadyExistsException e) {
        // a retried attempt held again
      }
      long beats = 0;
      while (!open()) {
        Thread.sleep(200);
        if (++beats % 5 == 0) beat.run();
      }
    } catch (IOException e) {
      throw new IllegalStateException("gate: cannot write in " + dir, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("gate: interrupted", e);
    }
    log.warn("fault injection: {} of {} let through", point, workflowId);
  }
}
