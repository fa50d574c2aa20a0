package io.cephflow.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.cephflow.worker.LibvirtProperties;
import io.cephflow.worker.WorkerProperties;
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
 * One place for each default: the settings' {@code @DefaultValue}s (what docs/configuration.md is
 * generated from). application.yml maps the dev stack's environment variables onto settings ({@code
 * ${CEPHFLOW_CEPH_CLIENT:cephflow}}), and the fallback it writes must be that same default, or the
 * documented default is not what runs. Bound here with no environment at all.
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

    WorkerProperties y = fromYml.bindOrCreate("cephflow", WorkerProperties.class);
    WorkerProperties d = none.bindOrCreate("cephflow", WorkerProperties.class);
    assertThat(y.ceph()).isEqualTo(d.ceph());
    assertThat(y.temporal()).isEqualTo(d.temporal());
    assertThat(y.sources()).isEqualTo(d.sources());
    assertThat(y.worker()).isEqualTo(d.worker());
    assertThat(y.intake()).isEqualTo(d.intake());
    assertThat(fromYml.bindOrCreate("cephflow.libvirt", LibvirtProperties.class))
        .isEqualTo(none.bindOrCreate("cephflow.libvirt", LibvirtProperties.class));
  }
}
