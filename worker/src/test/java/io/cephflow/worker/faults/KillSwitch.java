package io.cephflow.worker.faults;

import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where this worker process kills itself with SIGKILL, for crash tests of the flows: a list of
 * {@code when:ActivityType} rules, {@code when} one of
 *
 * <ul>
 *   <li>{@code before}: an attempt of the type was handed to this worker and has not run yet (the
 *       flow stands between two steps);
 *   <li>{@code after}: the activity's code returned, its result has not reached Temporal (the side
 *       effect is done and unrecorded: the retry must find it done);
 *   <li>{@code heartbeat}: a heartbeat reporting progress (in the middle of a long activity).
 * </ul>
 *
 * Empty (the default) in every real deployment; {@code cephflow.faults.kill} sets it.
 */
public record KillSwitch(List<Rule> rules) {
  private static final Logger log = LoggerFactory.getLogger(KillSwitch.class);

  public enum When {
    BEFORE,
    AFTER,
    HEARTBEAT
  }

  public record Rule(When when, String activityType) {
    static Rule parse(String spec) {
      String[] parts = spec.trim().split(":", 2);
      if (parts.length != 2 || parts[1].isBlank()) {
        throw new IllegalArgumentException(
            "fault rule '" + spec + "': expected before|after|heartbeat:<ActivityType>");
      }
      return new Rule(When.valueOf(parts[0].toUpperCase(Locale.ROOT)), parts[1]);
    }
  }

  public static KillSwitch parse(List<String> specs) {
    return new KillSwitch(
        specs == null
            ? List.of()
            : specs.stream().filter(s -> !s.isBlank()).map(Rule::parse).toList());
  }

  public boolean armed() {
    return !rules.isEmpty();
  }

  boolean matches(When when, String activityType) {
    return rules.stream().anyMatch(r -> r.when() == when && r.activityType().equals(activityType));
  }

  /** kill -9 of this process, as an operator's or the kernel's OOM killer's would be. */
  void fire(When when, String activityType) {
    if (!matches(when, activityType)) return;
    String pid = Long.toString(ProcessHandle.current().pid());
    log.error(
        "fault injection: SIGKILL to this worker (pid {}) {} {}",
        pid,
        when.name().toLowerCase(Locale.ROOT),
        activityType);
    try {
      new ProcessBuilder("kill", "-KILL", pid).inheritIO().start().waitFor();
    } catch (Exception e) {
      log.error("fault injection: kill failed, halting instead", e);
    }
    Runtime.getRuntime().halt(137);
  }
}
