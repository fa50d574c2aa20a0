package io.cephflow.workflows.flatten;

/**
 * @param outcome {@code flattened} (also when it was no clone: nothing to do) or {@code gone} (the
 *     image was removed meanwhile)
 * @param removedSnapshot the temporary snapshot it was cloned from, removed once nothing needed it
 *     (or null)
 */
public record FlattenResult(String image, String outcome, String removedSnapshot) {}
