package io.cephflow.starter.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The cephflow command line: a client of the REST API, shaped like the {@code openstack} CLI (one
 * verb per resource, {@code -f table|json|yaml|value}, {@code -c COLUMN}, {@code --wait}). It runs
 * from its own small jar (this package, picocli and Jackson only: bin/cephflow), so it must not
 * touch Spring, Temporal or any other package of the starter.
 */
@Command(
    name = "cephflow",
    mixinStandardHelpOptions = true,
    scope = ScopeType.INHERIT,
    versionProvider = Cli.Version.class,
    sortOptions = false,
    description = {
      "Runs and watches cephflow's storage flows (images, volumes, snapshots, servers) over its REST API.",
      "Output is a table on a terminal and JSON when stdout is not one; -f picks one of table, json, yaml, value.",
      "The API's URL comes from --api, CEPHFLOW_API, 'api' in the config file, or http://127.0.0.1:8080; the "
          + "bearer token from CEPHFLOW_TOKEN, --token-file, CEPHFLOW_TOKEN_FILE or 'token-file' in the config "
          + "file (~/.config/cephflow/config), never from an argument. See docs/cli.md."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      " 0:done: the request was accepted, the read answered, the operation COMPLETED (show: or is RUNNING)",
      " 1:the operation FAILED (or was TERMINATED or TIMED_OUT)",
      " 2:usage: an unknown option or command, a bad value, or a request the API refused as invalid (400)",
      " 3:authentication or authorization: no token, a wrong token (401), a role that may not (403)",
      " 4:not found (404): no such resource, operation or hypervisor",
      " 5:conflict (409): the id is taken, the resource is in use, the operation cannot be canceled",
      " 6:the operation was CANCELED (operation cancel --wait: 0 when it ends CANCELED)",
      " 7:the API is unreachable or failed (5xx)",
      " 8:--timeout passed while waiting; the operation goes on",
      "130:detached with Ctrl-C while waiting; the operation goes on"
    })
public final class Cli implements Runnable {
  @Spec CommandSpec spec;

  @Option(
      names = "--api",
      paramLabel = "URL",
      scope = ScopeType.INHERIT,
      order = 100,
      description =
          "the REST API (default: $CEPHFLOW_API, the config file's 'api', http://127.0.0.1:8080)")
  String api;

  @Option(
      names = "--token-file",
      paramLabel = "FILE",
      scope = ScopeType.INHERIT,
      order = 101,
      description =
          "a file holding the bearer token (default: $CEPHFLOW_TOKEN, $CEPHFLOW_TOKEN_FILE, the config "
              + "file's 'token-file')")
  String tokenFile;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      scope = ScopeType.INHERIT,
      order = 102,
      description = "the config file (default: $CEPHFLOW_CONFIG, ~/.config/cephflow/config)")
  String config;

  final Context context;
  private Config resolved;

  Cli(Context context) {
    this.context = context;
  }

  /** {@code cephflow} alone: the usage text, as a usage error. */
  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "missing command");
  }

  Config config() {
    if (resolved == null) resolved = Config.resolve(this, context.env());
    return resolved;
  }

  Api api() {
    return new Api(config());
  }

  public static void main(String[] args) {
    System.exit(run(Context.system(), args));
  }

  /** Parses and runs one command line; the exit code is one of {@link ExitCodes}. */
  static int run(Context context, String... args) {
    return commandLine(context, args).execute(args);
  }

  /** The resources, in the order of the help; each is a group of subcommands. */
  private static final Map<String, java.util.function.Supplier<Object>> GROUPS = groups();

  private static Map<String, java.util.function.Supplier<Object>> groups() {
    Map<String, java.util.function.Supplier<Object>> g = new java.util.LinkedHashMap<>();
    g.put("help", HelpCommand::new);
    g.put("image", ImageCommands::new);
    g.put("volume", VolumeCommands::new);
    g.put("snapshot", SnapshotCommands::new);
    g.put("server", ServerCommands::new);
    g.put("hypervisor", HypervisorCommands::new);
    g.put("operation", OperationCommands::new);
    g.put("audit", AuditCommands::new);
    g.put("completion", CompletionCommand::new);
    return g;
  }

  /**
   * The command tree for these arguments. picocli builds a tree by reflection up front (a quarter
   * of a second for all of it, uncached), so a command that names its resource gets only that
   * branch; help, completion and anything unknown get the whole tree.
   */
  static CommandLine commandLine(Context context, String... args) {
    CommandLine cl = new CommandLine(new Cli(context));
    String group = firstCommand(args);
    boolean one =
        group != null
            && GROUPS.containsKey(group)
            && !group.equals("help")
            && !group.equals("completion");
    boolean version =
        group == null && (List.of(args).contains("--version") || List.of(args).contains("-V"));
    if (!version) {
      GROUPS.forEach(
          (name, make) -> {
            if (!one || name.equals(group)) cl.addSubcommand(name, make.get());
          });
    }
    if (context.ttyOut()) cl.setUsageHelpWidth(Math.max(80, Math.min(120, context.columns())));
    cl.setOut(new PrintWriter(context.out(), true, StandardCharsets.UTF_8));
    cl.setErr(new PrintWriter(context.err(), true, StandardCharsets.UTF_8));
    cl.setExitCodeExceptionMapper(
        e -> e instanceof CliException c ? c.exitCode : ExitCodes.UNAVAILABLE);
    cl.setParameterExceptionHandler(Cli::usageError);
    cl.setExecutionExceptionHandler(
        (e, line, parsed) -> {
          if (e instanceof ParameterException p)
            return usageError(p, parsed.originalArgs().toArray(new String[0]));
          PrintWriter err = line.getErr();
          if (e instanceof CliException c) {
            err.println("cephflow: " + c.getMessage());
            return c.exitCode;
          }
          // a bug: say what it is, without a stack trace in the user's face
          err.println("cephflow: unexpected error: " + e);
          return ExitCodes.UNAVAILABLE;
        });
    return cl;
  }

  /** The error, a suggestion for a near miss, and where help is; never the whole usage text. */
  private static int usageError(ParameterException e, String[] args) {
    CommandLine cl = e.getCommandLine();
    PrintWriter err = cl.getErr();
    // an unknown option comes first, even when it made a required one look missing (--nam x)
    List<String> unmatched =
        e instanceof UnmatchedArgumentException u ? u.getUnmatched() : cl.getUnmatchedArguments();
    if (!(e instanceof UnmatchedArgumentException) && !unmatched.isEmpty()) {
      err.println(
          "cephflow: unknown "
              + (unmatched.size() == 1 ? "argument" : "arguments")
              + ": '"
              + String.join("', '", unmatched)
              + "'");
    } else if (e.getMessage().startsWith("Missing required subcommand")) {
      err.println("cephflow: '" + commandPath(cl).strip() + "' needs a command");
    } else {
      err.println("cephflow: " + e.getMessage());
    }
    List<String> near = Suggestions.forOptions(cl.getCommandSpec(), unmatched);
    if (!near.isEmpty()) {
      err.println("Did you mean: " + String.join(" or ", near) + "?");
    } else if (e instanceof UnmatchedArgumentException) {
      UnmatchedArgumentException.printSuggestions(e, err);
    }
    if (unmatched.contains("--format") || e.getMessage().contains("option '--format'")) {
      err.println("(-f/--format is the output format; an image's format is --disk-format)");
    }
    if (e.getMessage().equals("missing command")
        || e.getMessage().startsWith("Missing required subcommand")) {
      cl.usage(err);
    } else {
      err.println(
          "Try 'cephflow " + commandPath(cl) + "--help' for its options, or 'cephflow help'.");
    }
    return ExitCodes.USAGE;
  }

  /** The first argument that is not a global option or its value. */
  private static String firstCommand(String[] args) {
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--api") || a.equals("--token-file") || a.equals("--config")) {
        i++;
      } else if (!a.startsWith("-")) {
        return a;
      }
    }
    return null;
  }

  private static String commandPath(CommandLine cl) {
    String path = cl.getCommandSpec().qualifiedName(" ");
    path = path.startsWith("cephflow") ? path.substring("cephflow".length()).strip() : path;
    return path.isEmpty() ? "" : path + " ";
  }

  /** Where the CLI reads and writes; tests give their own. */
  record Context(
      Map<String, String> env,
      PrintStream out,
      PrintStream err,
      boolean ttyOut,
      boolean ttyErr,
      int columns,
      long pollMillis) {
    static Context system() {
      boolean console = System.console() != null;
      // bin/cephflow says which streams are terminals; without it, System.console() (stdin and
      // stdout)
      boolean out = flag("cephflow.tty.out", console);
      boolean err = flag("cephflow.tty.err", console);
      int columns = 80;
      try {
        columns =
            Integer.parseInt(
                System.getProperty(
                    "cephflow.columns", System.getenv().getOrDefault("COLUMNS", "80")));
      } catch (NumberFormatException ignored) {
        // keep 80
      }
      return new Context(
          System.getenv(),
          new PrintStream(
              new java.io.FileOutputStream(java.io.FileDescriptor.out),
              true,
              StandardCharsets.UTF_8),
          new PrintStream(
              new java.io.FileOutputStream(java.io.FileDescriptor.err),
              true,
              StandardCharsets.UTF_8),
          out,
          err,
          columns,
          1000);
    }

    private static boolean flag(String property, boolean otherwise) {
      String v = System.getProperty(property);
      return v == null || v.isEmpty() ? otherwise : Boolean.parseBoolean(v);
    }
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Cli.class.getPackage().getImplementationVersion();
      return new String[] {
        "cephflow " + (v == null ? "(development build)" : v),
        "Java "
            + System.getProperty("java.version")
            + " ("
            + System.getProperty("java.vm.name")
            + ")"
      };
    }
  }
}
