package io.cephflow.starter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** Strict parsing: what the CLI does not understand is refused, named, and never sent. */
class CliParsingTest {
  static final String ID = "3f2a3e9e-6a53-4c1e-9d4f-2f0b8d7c1a10";
  final StubApi api = newApi();

  static StubApi newApi() {
    try {
      return new StubApi();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @AfterEach
  void stop() {
    api.close();
  }

  @Test
  void anUnknownOptionIsAUsageErrorNamingItAndNothingIsSent() {
    var r = api.run("image", "upload", "--name", "n", "--source", "/x", "--frobnicate", "1");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("'--frobnicate'").contains("cephflow image upload --help");
    r = api.run("volume", "create", "--image", ID, "--bogus-flag", "1");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("'--bogus-flag'");
    assertThat(api.seen).isEmpty();
  }

  @Test
  void aNearMissGetsASuggestion() {
    var r = api.run("image", "upload", "--name", "n", "--source", "/x", "--wiat");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("'--wiat'").contains("Did you mean: --wait?");
    r = api.run("image", "upload", "--nam", "n", "--source", "/x");
    assertThat(r.err()).contains("'--nam'").contains("Did you mean: --name?");
    r = api.run("volume", "create", "--image", ID, "--size-gib", "2");
    assertThat(r.err()).contains("Did you mean: --size-gb?");
    r = api.run("image", "uplaod");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("upload");
    r = api.run("imag", "list");
    assertThat(r.err()).contains("image");
    r = api.run("image", "upload", "--name", "n", "--source", "/x", "--format", "qcow2");
    assertThat(r.err()).contains("--disk-format");
    assertThat(api.seen).isEmpty();
  }

  @Test
  void badValuesAreRefusedBeforeAnythingIsSent() {
    assertThat(api.run("volume", "create", "--image", ID, "--size-gb", "abc").err())
        .contains("--size-gb")
        .contains("'abc'");
    assertThat(api.run("volume", "create", "--image", ID, "--size-gb", "0").err())
        .contains("at least 1");
    assertThat(api.run("volume", "create", "--image", "not-a-uuid").err()).contains("not a UUID");
    assertThat(
            api.run("image", "upload", "--name", "n", "--source", "/x", "--disk-format", "qcow3")
                .err())
        .contains("qcow2");
    assertThat(api.run("image", "list", "--state", "gone").err()).contains("in-use");
    assertThat(api.run("image", "list", "--limit", "0").err()).contains("1..1000");
    assertThat(api.run("server", "delete", ID, "--shutdown-timeout", "-1").err())
        .contains("--shutdown-timeout");
    assertThat(api.run("server", "delete", ID, "--shutdown-timeout", "4000").err())
        .contains("1..3600");
    assertThat(api.run("operation", "show", "nope").err()).contains("not an operation id");
    assertThat(api.run("operation", "list", "--resource", "disk:" + ID).err())
        .contains("KIND:UUID");
    assertThat(
            api.run("volume", "create", "--image", ID, "--source-volume", ID, "--snapshot", ID)
                .err())
        .contains("mutually exclusive");
    assertThat(api.run("volume", "create", "--size-gb", "1").err()).contains("Missing required");
    assertThat(api.run("server", "boot", "--volume", ID, "--new-volume-id", ID).err())
        .contains("--snapshot");
    assertThat(api.run("image", "delete", ID, "--timeout", "5").err())
        .contains("--timeout goes with --wait");
    assertThat(api.run("image", "show", ID, "-c", "nmae").err())
        .contains("unknown column 'nmae'; did you mean 'name'?");
    assertThat(api.run("image", "upload", "--name", "n", "--source", "/x", "-c", "status").err())
        .contains("unknown column 'status'");
    assertThat(api.run("image", "show", ID, "-f", "xml").err())
        .contains("table, json, yaml, value");
    assertThat(api.run("image", "upload", "--name", "--wait", "--source", "/x").code())
        .isEqualTo(2);
    for (String[] args :
        List.of(
            new String[] {"volume", "create", "--image", ID, "--size-gb", "x"},
            new String[] {"image", "list", "--limit", "x"})) {
      assertThat(api.run(args).code()).isEqualTo(2);
    }
    assertThat(api.seen).isEmpty();
  }

  @Test
  void helpAndVersion() {
    var r = api.run("image", "upload", "--help");
    assertThat(r.code()).isZero();
    assertThat(r.out())
        .contains("Usage: cephflow image upload")
        .contains("--disk-format")
        .contains("Exit codes:")
        .contains("130");
    assertThat(api.run("image", "upload", "-h").code()).isZero();
    assertThat(api.run("help", "server", "delete").out()).contains("--shutdown-timeout");
    assertThat(api.run("help", "image", "upload").out())
        .contains("Usage: cephflow image upload")
        .contains("--disk-format");
    assertThat(api.run("help", "image").out()).contains("Usage: cephflow image ");
    assertThat(api.run("help", "image", "uplod").code()).isEqualTo(2);
    assertThat(api.run("--version").out()).startsWith("cephflow ");
    var none = api.run();
    assertThat(none.code()).isEqualTo(2);
    assertThat(none.err()).contains("Usage: cephflow").contains("image").contains("operation");
    var group = api.run("volume");
    assertThat(group.code()).isEqualTo(2);
    assertThat(group.err()).contains("create").contains("snapshot");
  }

  /** Every command has --help, -f and -c; every option and parameter has a description. */
  @Test
  void everyCommandHasHelpOutputOptionsAndDescriptions() {
    CommandLine root =
        Cli.commandLine(new Cli.Context(api.env, System.out, System.err, false, false, 80, 1));
    List<CommandSpec> leaves = new ArrayList<>();
    collect(root.getCommandSpec(), leaves);
    assertThat(leaves)
        .extracting(s -> s.qualifiedName(" "))
        .contains(
            "cephflow image upload",
            "cephflow image list",
            "cephflow image show",
            "cephflow image delete",
            "cephflow volume create",
            "cephflow volume list",
            "cephflow volume show",
            "cephflow volume snapshot",
            "cephflow volume delete",
            "cephflow snapshot list",
            "cephflow snapshot show",
            "cephflow snapshot delete",
            "cephflow server boot",
            "cephflow server list",
            "cephflow server show",
            "cephflow server snapshot",
            "cephflow server delete",
            "cephflow operation list",
            "cephflow operation show",
            "cephflow operation wait",
            "cephflow operation cancel");
    for (CommandSpec leaf : leaves) {
      if (leaf.name().equals("help") || leaf.name().equals("completion")) continue;
      String name = leaf.qualifiedName(" ");
      assertThat(leaf.findOption("--help")).as(name).isNotNull();
      assertThat(leaf.findOption("-f")).as(name).isNotNull();
      assertThat(leaf.findOption("-c")).as(name).isNotNull();
      for (OptionSpec o : leaf.options())
        assertThat(o.description()).as(name + " " + o.longestName()).isNotEmpty();
      leaf.positionalParameters()
          .forEach(p -> assertThat(p.description()).as(name + " " + p.paramLabel()).isNotEmpty());
      assertThat(leaf.usageMessage().description()).as(name).isNotEmpty();
      var r = api.run((name.substring("cephflow ".length()) + " --help").split(" "));
      assertThat(r.code()).as(name).isZero();
      assertThat(r.out()).as(name).contains("Usage: " + name);
    }
    if (leaves.stream().anyMatch(l -> l.findOption("--wait") != null)) {
      leaves.stream()
          .filter(
              l ->
                  List.of("upload", "create", "delete", "boot", "snapshot", "cancel")
                      .contains(l.name()))
          .forEach(l -> assertThat(l.findOption("--wait")).as(l.qualifiedName(" ")).isNotNull());
    }
  }

  private static void collect(CommandSpec spec, List<CommandSpec> out) {
    if (spec.subcommands().isEmpty()) out.add(spec);
    spec.subcommands().values().forEach(c -> collect(c.getCommandSpec(), out));
  }

  @Test
  void completionScriptsForBashAndZsh() {
    var bash = api.run("completion", "bash");
    assertThat(bash.code()).isZero();
    assertThat(bash.out())
        .contains("complete -F")
        .contains("upload")
        .contains("--shutdown-timeout");
    var zsh = api.run("completion", "zsh");
    assertThat(zsh.out()).contains("compinit").contains("bashcompinit");
    assertThat(api.run("completion", "fish").code()).isEqualTo(2);
  }
}
