package io.cephflow.starter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** -f table|json|yaml|value and -c: every format parses back to what the API said. */
class CliOutputTest {
  static final String ID = CliParsingTest.ID;
  static final String IMAGE =
      "{\"id\":\""
          + ID
          + "\",\"name\":\"debian 12\",\"state\":\"available\",\"sizeBytes\":67108864,"
          + "\"diskFormat\":\"raw\",\"snapshotProtected\":true,\"children\":[\"volumes/volume-a@x\",\"vms/b_disk\"],"
          + "\"createdBy\":\"image-upload-"
          + ID
          + "\",\"createdAt\":\"2026-12-01T10:00:00Z\",\"sha256\":\"0123\"}";
  final StubApi api = CliParsingTest.newApi();

  @BeforeEach
  void routes() {
    api.on("GET /api/v1/images/" + ID, 200, IMAGE);
    api.on(
        "GET /api/v1/images",
        200,
        "{\"items\":[" + IMAGE + "," + IMAGE.replace("debian 12", "yes") + "]}");
  }

  @AfterEach
  void stop() {
    api.close();
  }

  @Test
  void jsonWhenPipedTableOnATerminal() throws Exception {
    var piped = api.run("image", "show", ID);
    JsonNode j = Api.JSON.readTree(piped.out());
    assertThat(j.get("sizeBytes").isIntegralNumber()).isTrue();
    assertThat(j.get("sizeBytes").asLong()).isEqualTo(67108864L);
    assertThat(j.get("children")).hasSize(2);
    assertThat(j.get("virtualSizeBytes").isNull()).isTrue(); // a known column the API left out
    api.ttyOut = true;
    var table = api.run("image", "show", ID);
    assertThat(table.out())
        .startsWith("+----")
        .contains("| Field ")
        .contains("| name              | debian 12")
        .contains("| children          | volumes/volume-a@x")
        .contains("|                   | vms/b_disk");
  }

  @Test
  void everyFormatOfAListingParsesBack() throws Exception {
    JsonNode json = Api.JSON.readTree(api.run("image", "list", "-f", "json").out());
    assertThat(json).hasSize(2);
    assertThat(json.get(0).fieldNames())
        .toIterable()
        .containsExactly("id", "name", "state", "diskFormat", "sizeBytes");
    JsonNode yaml =
        new YAMLMapper().readTree(api.run("image", "list", "-f", "yaml", "--long").out());
    assertThat(yaml.get(1).get("name").asText()).isEqualTo("yes"); // quoted: not a YAML boolean
    assertThat(yaml.get(1).get("snapshotProtected").asBoolean()).isTrue();
    assertThat(yaml.get(0).get("sha256").asText()).isEqualTo("0123"); // quoted: not a number
    assertThat(yaml.get(0).get("children").get(1).asText()).isEqualTo("vms/b_disk");
    assertThat(api.run("image", "show", ID, "-f", "yaml").out())
        .contains("createdAt: \"2026-12-01T10:00:00Z\"")
        .contains("name: debian 12\n");
    assertThat(api.run("image", "list", "-f", "value", "-c", "name", "-c", "sizeBytes").out())
        .isEqualTo("debian 12 67108864\nyes 67108864\n");
    String table = api.run("image", "list", "-f", "table", "-c", "id", "-c", "state").out();
    assertThat(table.split("\n"))
        .hasSize(6)
        .contains("| id                                   | state     |");
    assertThat(api.run("image", "show", ID, "-f", "value", "-c", "state").out())
        .isEqualTo("available\n");
    JsonNode picked =
        Api.JSON.readTree(
            api.run("image", "show", ID, "-f", "json", "-c", "name", "-c", "id").out());
    assertThat(picked.fieldNames()).toIterable().containsExactly("name", "id");
    api.on("GET /api/v1/volumes", 200, "{\"items\":[]}");
    assertThat(Api.JSON.readTree(api.run("volume", "list", "-f", "json").out())).isEmpty();
    assertThat(api.run("volume", "list", "-f", "yaml").out()).isEqualTo("[]\n");
    assertThat(api.run("volume", "list", "-f", "table").out()).contains("| id ");
  }

  @Test
  void progressAndFailuresReadAsAPersonReadsThem() {
    String op =
        "{\"id\":\"image-upload-"
            + ID
            + "\",\"type\":\"UploadImage\",\"status\":\"FAILED\",\"step\":\"inspect\","
            + "\"progress\":{\"bytesDone\":1048576,\"bytesTotal\":-1},\"failure\":{\"type\":\"UnsafeImage\",\"message\":\"not a "
            + "qcow2\",\"compensationFailures\":[\"rbd rm images/x\"]}}";
    api.on("GET /api/v1/operations/image-upload-" + ID, 200, op);
    api.ttyOut = true;
    var r = api.run("operation", "show", "image-upload-" + ID);
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out())
        .contains("1.0 MiB / unknown")
        .contains("UnsafeImage: not a qcow2")
        .contains("not undone: rbd rm images/x");
    assertThat(r.err()).contains("FAILED: UnsafeImage: not a qcow2").doesNotContain("{");
    assertThat(
            Progress.describe(Api.JSON.createObjectNode().put("bytesDone", 0).put("bytesTotal", 0)))
        .isEqualTo("0 B / unknown");
    assertThat(
            Progress.describe(
                Api.JSON
                    .createObjectNode()
                    .put("bytesDone", 512L << 20)
                    .put("bytesTotal", 1L << 30)))
        .isEqualTo("512.0 MiB / 1.0 GiB (50%)");
  }

  @Test
  void theBarShowsStepBytesRateAndTimeLeftOrSaysItDoesNotKnow() {
    Progress p = new Progress();
    long s = 1_000_000_000L;
    p.update(op("write", 0, 1L << 30), 0);
    p.update(op("write", 100L << 20, 1L << 30), 2 * s);
    String bar = p.bar(2 * s, 200);
    assertThat(bar)
        .startsWith("write [##")
        .contains("  9%")
        .contains("100.0 MiB / 1.0 GiB")
        .contains("50.0 MiB/s")
        .contains("ETA 0:19");
    assertThat(p.line()).isEqualTo("step=write 100.0 MiB / 1.0 GiB (9%) 50.0 MiB/s ETA 0:19");
    p.update(op("download", 10L << 20, -1), 3 * s); // a new step: its own count, no total
    assertThat(p.bar(3 * s, 200))
        .contains("<=>")
        .contains("10.0 MiB / unknown")
        .contains("-- B/s")
        .contains("ETA unknown")
        .doesNotContain("%");
    p.update(op("download", 30L << 20, -1), 5 * s);
    assertThat(p.line()).isEqualTo("step=download 30.0 MiB / unknown 10.0 MiB/s ETA unknown");
    assertThat(p.bar(5 * s, 40)).hasSize(39);
    p.update(
        Api.JSON.createObjectNode().put("status", "RUNNING").put("step", "clone"),
        6 * s); // no progress object
    assertThat(p.line()).isEqualTo("step=clone");
    assertThat(p.bar(8 * s, 200))
        .startsWith("clone [")
        .contains("(no byte count)")
        .endsWith("0:02");
  }

  private static JsonNode op(String step, long done, long total) {
    var o = Api.JSON.createObjectNode().put("status", "RUNNING").put("step", step);
    o.putObject("progress").put("bytesDone", done).put("bytesTotal", total);
    return o;
  }
}
