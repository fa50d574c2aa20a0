package io.cephflow.starter.cli;

import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * A delete of an image, a volume or a snapshot: {@code --flatten-dependents}, the wait options, and
 * {@code DELETE path}; the subclass names the resource (its id parameters, its path, the id field
 * of the answer).
 */
abstract class DeleteCommand extends ApiCommand {
  @Option(
      names = "--flatten-dependents",
      description = "flatten the clones of it first, then delete it")
  boolean flattenDependents;

  @Mixin Waiter.Options wait;

  abstract String path();

  abstract String idField();

  @Override
  public Integer call() {
    return start(
        wait,
        List.of(idField()),
        () ->
            api().delete(path(), Api.params("flattenDependents", flattenDependents ? true : null)));
  }
}
