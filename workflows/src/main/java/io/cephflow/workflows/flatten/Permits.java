package io.cephflow.workflows.flatten;

import java.util.ArrayList;
import java.util.List;

/**
 * The coordinator's state: who holds a slot, who waits (in arrival order), the limit. Pure and
 * deterministic (workflow code); every operation is idempotent, since a flatten repeats its request
 * until granted.
 */
public final class Permits {
  /**
   * One flatten run: a slot belongs to the run, so a later run of the same workflow id is another
   * holder.
   */
  public record Holder(String workflowId, String runId) {}

  /** What a query shows and what continue-as-new carries. */
  public record State(int limit, List<Holder> holders, List<Holder> waiting) {
    public State {
      holders = holders == null ? List.of() : List.copyOf(holders);
      waiting = waiting == null ? List.of() : List.copyOf(waiting);
    }
  }

  private int limit;
  private final List<Holder> holders = new ArrayList<>();
  private final List<Holder> waiting = new ArrayList<>();

  public Permits(State state) {
    this.limit =
        state == null ? FlattenSettings.DEFAULT_MAX_CONCURRENT : Math.max(1, state.limit());
    if (state != null) {
      holders.addAll(state.holders());
      waiting.addAll(state.waiting());
    }
  }

  /**
   * The state a run was continued with, followed by what this run's signals asked before its
   * workflow method ran (they came later).
   */
  public Permits after(State earlier) {
    Permits out = new Permits(earlier);
    for (Holder h : holders) out.request(h, limit);
    for (Holder h : waiting) out.request(h, limit);
    return out;
  }

  /** Queues {@code h} unless it holds or waits already; the latest limit asked wins. */
  public void request(Holder h, int limit) {
    if (limit >= 1) this.limit = limit;
    if (!holders.contains(h) && !waiting.contains(h)) waiting.add(h);
  }

  /** Frees its slot or its place in the queue; unknown holders are ignored. */
  public void release(Holder h) {
    holders.remove(h);
    waiting.remove(h);
  }

  /** Moves waiters into free slots, oldest first; returns those newly granted. */
  public List<Holder> grant() {
    List<Holder> out = new ArrayList<>();
    while (holders.size() < limit && !waiting.isEmpty()) {
      Holder h = waiting.remove(0);
      holders.add(h);
      out.add(h);
    }
    return out;
  }

  public boolean holds(Holder h) {
    return holders.contains(h);
  }

  public List<Holder> holders() {
    return List.copyOf(holders);
  }

  public State state() {
    return new State(limit, holders, waiting);
  }
}
