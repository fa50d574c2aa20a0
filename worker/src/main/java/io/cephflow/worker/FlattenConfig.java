package io.cephflow.worker;

import io.cephflow.workflows.common.RbdRef;
import io.cephflow.workflows.flatten.DepthLimits;
import io.cephflow.workflows.flatten.FlattenSettings;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Installs the flatten manager's settings for the workflows before any worker polls. */
@Configuration(proxyBeanMethods = false)
public class FlattenConfig {
  private static final Logger log = LoggerFactory.getLogger(FlattenConfig.class);
  static final Set<String> POOLS = Set.of(RbdRef.IMAGES, RbdRef.VMS, RbdRef.VOLUMES);

  @Bean
  FlattenSettings flattenSettings(FlattenProperties props) {
    FlattenSettings settings = settings(props);
    FlattenSettings.install(settings);
    log.info(
        "flattens: at most {} at once in the cluster; clone depth per pool {} (others {})",
        settings.maxConcurrent(),
        settings.depth(),
        DepthLimits.DEFAULTS);
    return settings;
  }

  /**
   * Refuses a pool cephflow does not use and limits that are not 1 <= soft <= hard, naming the
   * setting.
   */
  static FlattenSettings settings(FlattenProperties props) {
    Map<String, DepthLimits> depth = new HashMap<>();
    props
        .cloneDepth()
        .forEach(
            (pool, d) -> {
              if (!POOLS.contains(pool)) {
                throw new IllegalStateException(
                    "cephflow.flatten.clone-depth."
                        + pool
                        + ": no such pool; the pools are "
                        + POOLS);
              }
              try {
                depth.put(pool, new DepthLimits(d.soft(), d.hard()));
              } catch (IllegalArgumentException e) {
                throw new IllegalStateException(
                    "cephflow.flatten.clone-depth." + pool + ": " + e.getMessage());
              }
            });
    return new FlattenSettings(props.maxConcurrent(), depth);
  }
}
