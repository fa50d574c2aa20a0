package io.cephflow.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md is generated from the {@code @ConfigurationProperties} metadata that
 * spring-boot-configuration-processor writes at compile time (names, types, defaults, and the
 * descriptions from the properties' javadoc), so it cannot drift from the code: this test fails
 * when it differs. {@code -Dcephflow.writeDocs=true} rewrites it.
 */
class ConfigurationReferenceTest {
  static final Path DOC = Path.of("../docs/configuration.md");

  @Test
  void theReferenceIsTheOneTheCodeDescribes() throws IOException {
    String rendered = render();
    if (Boolean.getBoolean("cephflow.writeDocs")) Files.writeString(DOC, rendered);
    assertThat(Files.readString(DOC))
        .as(
            "docs/configuration.md is stale: run the worker's tests with "
                + "-Dcephflow.writeDocs=true -Dtest=ConfigurationReferenceTest")
        .isEqualTo(rendered);
  }

  @Test
  void everySettingSaysWhatItDoes() throws IOException {
    Map<String, Map<String, JsonNode>> bySide = properties();
    bySide.forEach(
        (side, props) ->
            props.forEach(
                (name, p) ->
                    assertThat(p.path("description").asText(""))
                        .as(
                            side
                                + " setting "
                                + name
                                + " has a description (an @param "
                                + "on its properties record)")
                        .isNotBlank()));
  }

  static String render() throws IOException {
    StringBuilder b = new StringBuilder();
    b.append("# Configuration reference\n\n")
        .append(
            "Generated from the code (`ConfigurationReferenceTest`, in the worker's tests; do not edit by hand). ")
        .append(
            "Every setting is also an environment variable (upper case, dots to `_`, dashes dropped: ")
        .append(
            "`cephflow.libvirt.report-every` is `CEPHFLOW_LIBVIRT_REPORTEVERY`) or a `--name=value` argument; ")
        .append("dashes inside a name are optional (`memory-mib` and `memory-mi-b` bind alike). ")
        .append("docs/operations.md explains them by topic.\n");
    for (var side : properties().entrySet()) {
      b.append("\n## ")
          .append(side.getKey())
          .append("\n\n| setting | type | default | what |\n|---|---|---|---|\n");
      for (var e : side.getValue().entrySet()) {
        JsonNode p = e.getValue();
        b.append("| `")
            .append(e.getKey())
            .append("` | ")
            .append(type(p.path("type").asText()))
            .append(" | ")
            .append(p.has("defaultValue") ? "`" + value(p.get("defaultValue")) + "`" : "")
            .append(" | ")
            .append(text(p.path("description").asText("")))
            .append(" |\n");
      }
    }
    return b.toString();
  }

  /** cephflow's settings by side (worker, API), from every metadata file on the classpath. */
  static Map<String, Map<String, JsonNode>> properties() throws IOException {
    Map<String, Map<String, JsonNode>> out =
        new TreeMap<>(Collections.reverseOrder()); // "worker" before "API"
    ObjectMapper json = new ObjectMapper();
    for (URL url :
        Collections.list(
            ConfigurationReferenceTest.class
                .getClassLoader()
                .getResources("META-INF/spring-configuration-metadata.json"))) {
      try (InputStream in = url.openStream()) {
        for (JsonNode p : json.readTree(in).path("properties")) {
          String name = p.path("name").asText();
          String source = p.path("sourceType").asText();
          if (!name.startsWith("cephflow.")) continue;
          String side = source.startsWith("io.cephflow.starter") ? "API (starter)" : "worker";
          out.computeIfAbsent(side, k -> new TreeMap<>()).put(name, p);
        }
      }
    }
    return out;
  }

  private static String type(String t) {
    String s =
        t.replace("java.lang.", "")
            .replace("java.util.", "")
            .replace("java.time.", "")
            .replace("java.nio.file.", "")
            .replaceAll("io\\.cephflow\\.[a-z.]+\\.", "")
            .replace('$', '.');
    return "`" + s.replace("|", "\\|") + "`";
  }

  private static String value(JsonNode v) {
    return v.isArray() ? v.toString() : v.asText();
  }

  private static String text(String javadoc) {
    return javadoc
        .replaceAll("\\{@code ([^}]*)}", "`$1`")
        .replaceAll("\\{@link(?:plain)? ([^}]*)}", "`$1`")
        .replace("\n", " ")
        .replace("|", "\\|")
        .replaceAll("\\s+", " ")
        .trim();
  }

  static String utf8(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
