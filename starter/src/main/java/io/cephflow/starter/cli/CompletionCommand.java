package io.cephflow.starter.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cephflow completion bash|zsh}: picocli's completion script for every command and option.
 */
@Command(
    name = "completion",
    description = {
      "Prints a shell completion script for cephflow (on PATH as 'cephflow').",
      "bash: source <(cephflow completion bash)      (or save it in /etc/bash_completion.d/cephflow)",
      "zsh:  source <(cephflow completion zsh)       (the same script; it loads bashcompinit)"
    })
final class CompletionCommand implements Callable<Integer> {
  enum Shell {
    bash,
    zsh
  }

  @Spec CommandSpec spec;

  @Parameters(paramLabel = "SHELL", description = "${COMPLETION-CANDIDATES}")
  Shell shell;

  @Override
  public Integer call() {
    String script = AutoComplete.bash("cephflow", spec.root().commandLine());
    Cli.Context ctx = ((Cli) spec.root().userObject()).context;
    if (shell == Shell.zsh) {
      ctx.out()
          .println(
              "# cephflow completion for zsh (picocli's script runs under zsh's bashcompinit)");
      ctx.out().println("autoload -U +X compinit && compinit");
    }
    ctx.out().print(script);
    return ExitCodes.OK;
  }
}
