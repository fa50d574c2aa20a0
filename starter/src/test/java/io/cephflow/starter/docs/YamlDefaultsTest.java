package io.cephflow.starter.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.cephflow.starter.ApiTemporalProperties;
import io.cephflow.starter.api.ApiLimits;
import io.cephflow.starter.api.SourceGate;
import io.cephflow.starter.security.AuthProperties;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.PropertySourcesPlaceholdersResolver;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ClassPathResource;

/**
 * The API's application.yml falls back to the settings' documented defaults (as the worker's,
 * YamlDefaultsTest).
 */
class YamlDefaultsTest {
  @Test
  void applicationYmlsFallbacksAreTheDocumentedDefaults() throws Exception {
    List<PropertySource<?>> yml =
        new YamlPropertySourceLoader()
            .load("application.yml", new ClassPathResource("application.yml"));
    Binder fromYml =
        new Binder(
            ConfigurationPropertySources.from(yml), new PropertySourcesPlaceholdersResolver(yml));
    Binder none = new Binder(new MapConfigurationPropertySource(Map.of()));
    same(fromYml, none, "cephflow.api.limits", ApiLimits.class);
    same(fromYml, none, "cephflow.sources", SourceGate.Settings.class);
    same(fromYml, none, "cephflow.temporal", ApiTemporalProperties.class);
    same(fromYml, none, "cephflow.api.auth", AuthProperties.class);
  }

  private static <T> void same(Binder yml, Binder none, String prefix, Class<T> type) {
    assertThat(yml.bindOrCreate(prefix, type))
        .as(prefix)
        .isEqualTo(none.bindOrCreate(prefix, type));
  }
}
