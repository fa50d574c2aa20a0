package io.cephflow.hosts;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlacementTest {
  static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

  static HostReport host(
      String name, Instant at, long memory, int slots, HostReport.Domain... domains) {
    return new HostReport(
        name,
        at.toString(),
        10,
        new HostReport.Capacity(memory, slots),
        64,
        true,
        List.of(domains));
  }

  static HostReport.Domain running(String server, long memory) {
    return new HostReport.Domain(server, "running", memory, 1);
  }

  @Test
  void theHostWithTheMostMemoryLeftTakesTheServer() {
    HostReport a = host("a", NOW, 1024, 8, running("s1", 512));
    HostReport b = host("b", NOW, 1024, 8, running("s2", 128));
    assertThat(Placement.choose(List.of(a, b), NOW, 256)).contains("b");
  }

  @Test
  void aHostThatStoppedReportingReceivesNothing() {
    HostReport gone = host("gone", NOW.minusSeconds(31), 1 << 20, 64);
    HostReport busy = host("busy", NOW.minusSeconds(5), 1024, 8, running("s1", 900));
    assertThat(Placement.choose(List.of(gone, busy), NOW, 64)).contains("busy");
    assertThat(Placement.choose(List.of(gone), NOW, 64)).isEmpty();
    // three report intervals is the window when the interval is long
    HostReport slow =
        new HostReport(
            "slow",
            NOW.minusSeconds(100).toString(),
            60,
            new HostReport.Capacity(1024, 8),
            64,
            true,
            List.of());
    assertThat(Placement.choose(List.of(slow), NOW, 64)).contains("slow");
    // one report every second: alive for 6 s
    HostReport quick =
        new HostReport(
            "quick",
            NOW.minusSeconds(5).toString(),
            1,
            new HostReport.Capacity(1024, 8),
            64,
            true,
            List.of());
    assertThat(quick.fresh(NOW)).isTrue();
    assertThat(quick.fresh(NOW.plusSeconds(2))).isFalse();
  }

  @Test
  void aHostWhoseWorkerShutsDownReceivesNothing() {
    HostReport draining =
        new HostReport(
            "draining",
            NOW.toString(),
            10,
            new HostReport.Capacity(1 << 20, 64),
            64,
            false,
            List.of());
    HostReport small = host("small", NOW, 256, 8);
    assertThat(Placement.choose(List.of(draining, small), NOW, 64)).contains("small");
  }

  @Test
  void memoryAndDomainCountsBoundAHost() {
    HostReport full = host("full", NOW, 1024, 2, running("s1", 64), running("s2", 64));
    HostReport tight = host("tight", NOW, 1024, 8, running("s3", 900));
    assertThat(Placement.choose(List.of(full, tight), NOW, 200)).isEmpty();
    assertThat(Placement.choose(List.of(full, tight), NOW, 100)).contains("tight");
    // a shut-off domain holds neither memory nor a slot; 0 means the host's own default (64)
    HostReport idle = host("idle", NOW, 128, 1, new HostReport.Domain("s4", "shut-off", 4096, 1));
    assertThat(Placement.choose(List.of(idle), NOW, 0)).contains("idle");
    assertThat(Placement.choose(List.of(idle), NOW, 129)).isEmpty();
  }

  @Test
  void tiesGoToFewerDomainsThenToTheName() {
    HostReport b = host("b", NOW, 1024, 8);
    HostReport a = host("a", NOW, 1024, 8);
    HostReport c = host("c", NOW, 1088, 8, running("s1", 64));
    assertThat(Placement.choose(List.of(b, c, a), NOW, 64)).contains("a");
  }

  @Test
  void aServerIsOnTheHostWhoseLatestReportListsIt() {
    HostReport old = host("old", NOW.minusSeconds(600), 1024, 8, running("s1", 64));
    HostReport now = host("new", NOW, 1024, 8, running("s1", 64));
    assertThat(Placement.hostOf(List.of(old, now), "s1")).map(HostReport::host).contains("new");
    assertThat(Placement.hostOf(List.of(old, now), "s2")).isEmpty();
  }
}
