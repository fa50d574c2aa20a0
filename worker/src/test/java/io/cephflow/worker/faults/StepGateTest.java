package io.cephflow.worker.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StepGateTest {
  @TempDir Path dir;

  @Test
  void holdsOnlyTheNamedPointOfTheNamedFlowUntilTheGateOpens() throws Exception {
    Files.write(dir.resolve("rules"), List.of("after:CloneImage@server-boot-a", ""));
    StepGate gate = new StepGate(dir);
    assertThat(gate.matches(StepGate.When.AFTER, "CloneImage", "server-boot-a")).isTrue();
    assertThat(gate.matches(StepGate.When.BEFORE, "CloneImage", "server-boot-a")).isFalse();
    assertThat(gate.matches(StepGate.When.AFTER, "CloneImage", "server-boot-b")).isFalse();
    assertThat(gate.matches(StepGate.When.AFTER, "DefineDomain", "server-boot-a")).isFalse();

    AtomicInteger beats = new AtomicInteger();
    CompletableFuture<Void> held =
        CompletableFuture.runAsync(
            () ->
                gate.pass(
                    StepGate.When.AFTER, "CloneImage", "server-boot-a", beats::incrementAndGet));
    Path marker = dir.resolve("held").resolve("server-boot-a~after-CloneImage");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!Files.exists(marker)) {
      assertThat(System.nanoTime()).as("the held attempt's marker").isLessThan(deadline);
      Thread.sleep(20);
    }
    Thread.sleep(1_200);
    assertThat(held).isNotDone();
    assertThat(beats.get()).as("a held attempt heartbeats").isPositive();

    Files.createFile(dir.resolve("open"));
    held.get(5, TimeUnit.SECONDS);
    assertThat(gate.matches(StepGate.When.AFTER, "CloneImage", "server-boot-a"))
        .as("nothing is held while the gate is open")
        .isFalse();
  }

  @Test
  void holdsNothingWithoutRulesAndRefusesMalformedOnes() {
    assertThat(new StepGate(dir).matches(StepGate.When.BEFORE, "CloneImage", "x")).isFalse();
    assertThatThrownBy(() -> StepGate.parse(List.of("after:CloneImage")))
        .hasMessageContaining("before|after");
    assertThatThrownBy(() -> StepGate.parse(List.of("during:CloneImage@x")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
