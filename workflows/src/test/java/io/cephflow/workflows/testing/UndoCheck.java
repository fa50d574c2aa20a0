package io.cephflow.workflows.testing;

import static org.mockito.Mockito.inOrder;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.mockito.InOrder;

/**
 * Checks that a failed flow ran exactly the undos it had to, newest first: each undo a test knows
 * by name, with how to verify it ran (in order, on the mocks) and how to verify it never ran.
 * {@link #verify} takes the names that must have run; every other known undo must not have.
 */
public final class UndoCheck {
  private record Undo(Consumer<InOrder> ran, Runnable never) {}

  private final Object[] mocks;
  private final Map<String, Undo> undos = new LinkedHashMap<>();

  /**
   * @param mocks the mocks whose calls are verified in one order
   */
  public UndoCheck(Object... mocks) {
    this.mocks = mocks;
  }

  /**
   * @param ran verifies the undo ran, e.g. {@code o -> o.verify(storage).removeSnapshot(SNAP)}
   * @param never verifies it never ran (null: not checked when it is not expected)
   */
  public UndoCheck undo(String name, Consumer<InOrder> ran, Runnable never) {
    undos.put(name, new Undo(ran, never));
    return this;
  }

  /** {@code expected} ran in this order; every other known undo never ran. */
  public void verify(List<String> expected) {
    InOrder order = inOrder(mocks);
    for (String name : expected) {
      Undo u = undos.get(name);
      if (u == null)
        throw new AssertionError(
            "no such undo in this test: " + name + " (known: " + undos.keySet() + ")");
      u.ran().accept(order);
    }
    undos.forEach(
        (name, u) -> {
          if (!expected.contains(name) && u.never() != null) u.never().run();
        });
  }
}
