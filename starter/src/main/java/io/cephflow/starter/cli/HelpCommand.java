package io.cephflow.starter.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cephflow help [COMMAND...]}: the help of any command, nested ones too (picocli's own takes
 * one name).
 */
@Command(
    name = "help",
    helpCommand = true,
    description = "Shows the help of a command: cephflow help image upload.")
final class HelpCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(
      paramLabel = "COMMAND",
      arity = "0..*",
      description = "a command, as on the command line (image upload)")
  List<String> path = new ArrayList<>();

  @Override
  public Integer call() {
    CommandLine at = spec.root().commandLine();
    for (String name : path) {
      CommandLine next = at.getSubcommands().get(name);
      if (next == null) {
        throw new CommandLine.ParameterException(
            at,
            "no command '"
                + name
                + "' in 'cephflow"
                + (at.getParent() == null
                    ? ""
                    : " " + at.getCommandSpec().qualifiedName(" ").substring("cephflow ".length()))
                + "' (commands: "
                + String.join(", ", at.getSubcommands().keySet())
                + ")");
      }
      at = next;
    }
    at.usage(spec.commandLine().getOut());
    return ExitCodes.OK;
  }
}
