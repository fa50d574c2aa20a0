package io.cephflow.worker;

import jakarta.validation.constraints.Min;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code cephflow.flatten.*}: the flatten manager and the clone-depth policy (docs/architecture.md,
 * "Clone depth and the flatten manager"). Every worker of a cluster should have the same values: a
 * flow records the values its worker had when it decided.
 *
 * @param maxConcurrent flattens that run at once in the whole cluster (all workers; Cinder's
 *     default is 3); the others wait in arrival order in the coordinator workflow {@code
 *     cephflow-flatten-coordinator}
 * @param cloneDepth {@code cephflow.flatten.clone-depth.<pool>.soft} and {@code .hard} for the
 *     pools {@code images}, {@code vms}, {@code volumes}: a new clone deeper than {@code soft} is
 *     flattened in the background, one deeper than {@code hard} before its operation returns (1 is
 *     a clone of an image that is no clone); a pool not named gets ceph-csi's 4 and 8
 */
@Validated
@ConfigurationProperties("cephflow.flatten")
public record FlattenProperties(
    @DefaultValue("3") @Min(1) int maxConcurrent, Map<String, Depth> cloneDepth) {
  public FlattenProperties {
    cloneDepth = cloneDepth == null ? Map.of() : Map.copyOf(cloneDepth);
  }

  /**
   * One pool's limits.
   *
   * @param soft above it a new clone is flattened in the background
   * @param hard above it the operation flattens the new clone before it returns
   */
  public record Depth(@DefaultValue("4") @Min(1) int soft, @DefaultValue("8") @Min(1) int hard) {}
}
