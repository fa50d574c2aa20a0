package io.cephflow.starter.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The hypervisors, as their workers last reported them (see docs/servers.md, "Host reports and
 * placement").
 */
@Command(
    name = "hypervisor",
    description = "Hypervisors: the hosts whose workers report to Ceph, with their room.",
    subcommands = {HypervisorCommands.List_.class})
final class HypervisorCommands {
  static final List<String> FIELDS =
      List.of(
          "host",
          "alive",
          "reportedAt",
          "domains",
          "activeDomains",
          "capacityDomains",
          "memoryUsedMiB",
          "memoryMiB");
  static final List<String> USUAL =
      List.of("host", "alive", "activeDomains", "capacityDomains", "memoryUsedMiB", "memoryMiB");

  @Command(
      name = "list",
      description = {
        "Lists the hosts that reported; placement uses the alive ones with room.",
        "Example: cephflow hypervisor list -o json"
      })
  static final class List_ extends ApiCommand {
    @Option(names = "--long", description = "every column, not only the usual few")
    boolean all;

    @Override
    public Integer call() {
      List<JsonNode> hosts = new ArrayList<>();
      api().get("/api/v1/hypervisors").elements().forEachRemaining(hosts::add);
      output.many(ctx(), hosts, output.select(FIELDS, all ? FIELDS : USUAL));
      return ExitCodes.OK;
    }
  }
}
