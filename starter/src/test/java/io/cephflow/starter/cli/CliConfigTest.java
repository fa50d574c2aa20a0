package io.cephflow.starter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API and token from flags, then the environment, then ~/.config/cephflow/config; the token
 * never from argv.
 */
class CliConfigTest {
  static final String ID = CliParsingTest.ID;
  final StubApi api = CliParsingTest.newApi();
  @TempDir Path home;

  @AfterEach
  void stop() {
    api.close();
  }

  Path write(String name, String text) throws Exception {
    Path p = home.resolve(name);
    Files.createDirectories(p.getParent());
    return Files.writeString(p, text);
  }

  @Test
  void theConfigFileNamesTheApiAndTheTokenFile() throws Exception {
    api.on("GET /api/v1/images/" + ID, 200, "{\"id\":\"" + ID + "\"}");
    write(".config/cephflow/token", "from-file\n");
    write(".config/cephflow/config", "# cephflow\napi = " + api.url() + "\n\ntoken-file = token\n");
    api.env.put("HOME", home.toString());
    api.env.remove("CEPHFLOW_API");
    api.env.remove("CEPHFLOW_TOKEN");
    api.env.put("CEPHFLOW_DEV_TOKEN_FILE", write("dev-token", "dev").toString());
    assertThat(api.run("image", "show", ID).code()).isZero();
    assertThat(api.authorizations).containsExactly("Bearer from-file");
    api.env.put("CEPHFLOW_TOKEN_FILE", write("env-token", "from-env-file").toString());
    api.run("image", "show", ID);
    api.env.put("CEPHFLOW_TOKEN", "from-env");
    api.run("image", "show", ID);
    api.run("image", "show", ID, "--token-file", write("flag-token", "from-flag").toString());
    assertThat(api.authorizations)
        .containsExactly(
            "Bearer from-file", "Bearer from-env-file", "Bearer from-env", "Bearer from-flag");
    write(".config/cephflow/config", "api = http://127.0.0.1:1\n");
    api.env.remove("CEPHFLOW_TOKEN");
    api.env.remove("CEPHFLOW_TOKEN_FILE");
    assertThat(api.run("image", "show", ID).code()).isEqualTo(7); // the file's api
    assertThat(api.run("--api", api.url(), "image", "show", ID).code())
        .isZero(); // the flag wins, before the command
    assertThat(api.run("image", "show", ID, "--api", api.url()).code()).isZero(); // or after it
    assertThat(api.authorizations.get(api.authorizations.size() - 1))
        .isEqualTo("Bearer dev"); // the last resort
  }

  @Test
  void aConfigFileItDoesNotUnderstandIsRefusedWithItsLine() throws Exception {
    Path config = write("c", "api = " + api.url() + "\napu = x\n");
    var r = api.run("image", "list", "--config", config.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains(config + ":2: unknown key 'apu'");
    write("c", "token = secret\n");
    r = api.run("image", "list", "--config", config.toString());
    assertThat(r.err()).contains(":1: the token itself does not go here").doesNotContain("secret");
    assertThat(api.run("image", "list", "--config", home.resolve("none").toString()).err())
        .contains("does not exist");
    api.env.put("CEPHFLOW_API", "ftp://x");
    assertThat(api.run("image", "list").err()).contains("not an http(s) URL");
    assertThat(api.seen).isEmpty();
  }

  @Test
  void withoutATokenA401SaysHowToGiveOne() {
    api.env.remove("CEPHFLOW_TOKEN");
    api.on("GET /api/v1/images", 401, CliExitCodesTest.problem(401, "Unauthorized", "no token"));
    var r = api.run("image", "list");
    assertThat(r.code()).isEqualTo(3);
    assertThat(api.authorizations).containsExactly((String) null);
    assertThat(r.err()).contains("no token is configured: set CEPHFLOW_TOKEN");
  }
}
