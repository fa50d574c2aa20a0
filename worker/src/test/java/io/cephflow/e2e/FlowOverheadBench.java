package io.cephflow.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.cephflow.workflows.common.RbdRef;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Benchmark, not a test (no *IT name: CI never runs it; bench/flow-overhead.sh does): each flow a
 * few times through REST on the dev stack, and per flow the wall time from the POST to the moment
 * the API says COMPLETED, less the time its activities spent working, split event by event from the
 * workflow's history: the API's start (POST to WorkflowExecutionStarted), the activities'
 * schedule-to-start, the workflow tasks' schedule-to-start and run, timers, and the API's detection
 * of the end (WorkflowExecutionCompleted to our poll seeing it). -Dbench.rounds (3),
 * -Dbench.poll-ms (20: our poll of GET /operations/{id}), -Dbench.wait-seconds (0; N: read with the
 * API's long poll ?waitSeconds=N instead), -Dbench.worker-args (extra worker settings,
 * space-separated).
 */
class FlowOverheadBench {
  @TempDir static Path dir;
  static CephflowStack stack;
  static String libvirtUri;
  static final int ROUNDS = Integer.getInteger("bench.rounds", 3);
  static final int POLL_MS = Integer.getInteger("bench.poll-ms", 20);

  /**
   * Above 0: each read is GET /operations/{id}?waitSeconds=N (the API's long poll) instead of a
   * sleep between reads.
   */
  static final int WAIT_SECONDS = Integer.getInteger("bench.wait-seconds", 0);

  /** -Dbench.timeline=CreateImageFromServer: prints that flow's history event by event. */
  static final String TIMELINE = System.getProperty("bench.timeline", "");

  static final Map<String, List<Sample>> samples = new LinkedHashMap<>();
  static final List<String> images = new ArrayList<>();
  static final List<String> servers = new ArrayList<>();
  static final List<String> volumes = new ArrayList<>();

  /** One run of one flow; every figure in seconds. */
  record Sample(
      double wall,
      double work,
      double apiStart,
      double activityQueue,
      double taskQueue,
      double taskRun,
      double timers,
      double detect,
      int activities,
      int locals,
      int tasks) {
    double overhead() {
      return wall - work;
    }

    /**
     * What the history does not account for: worker-side gaps between a task's end and the next
     * event.
     */
    double other() {
      return overhead() - apiStart - activityQueue - taskQueue - taskRun - timers - detect;
    }
  }

  @BeforeAll
  static void start() throws Exception {
    libvirtUri = ServerIts.requireDevServices();
    List<String> args =
        new ArrayList<>(
            ServerIts.hypervisorArgs(
                Path.of("target", "flow-overhead-bench").toAbsolutePath(), libvirtUri));
    // -Dbench.worker-args="--cephflow.worker.sticky-schedule=5s ...": the tuning under test
    String extra = System.getProperty("bench.worker-args", "").trim();
    if (!extra.isEmpty()) args.addAll(Arrays.asList(extra.split("\\s+")));
    System.out.println("bench: worker args " + extra);
    stack = new CephflowStack(dir, args.toArray(new String[0]));
  }

  @AfterAll
  static void stop() {
    for (String s : servers) {
      ServerIts.removeDomainQuietly(libvirtUri, s);
      ServerIts.purgeQuietly(new RbdRef("vms", s + "_disk"));
    }
    for (String v : volumes) ServerIts.purgeQuietly(new RbdRef("volumes", "volume-" + v));
    for (String i : images) ServerIts.purgeQuietly(new RbdRef("images", i));
    if (stack != null) stack.close();
  }

  @Test
  void overheadPerFlow() throws Exception {
    Path disk = ServerIts.bootDisk(dir, ServerIts.newTag(), 64 << 20);
    System.out.printf(
        Locale.ROOT,
        "bench: %d rounds, %s, Temporal %s, load %s%n",
        ROUNDS,
        WAIT_SECONDS > 0
            ? "long poll (waitSeconds=" + WAIT_SECONDS + ")"
            : "poll every " + POLL_MS + " ms",
        io.cephflow.fixture.TestBackends.get()
            .temporal()
            .map(Object::toString)
            .orElse("embedded test server"),
        load());
    round(disk, false); // untimed: JIT, libvirt's first qemu probe, the pools' first use
    for (int r = 0; r < ROUNDS; r++) round(disk, true);
    System.out.println(
        "bench | flow | n | wall s | activities' work s | overhead s | api start | activity "
            + "sched->start | wf task sched->start | wf task run | timers | detect end | other | activities | of them local | wf tasks |");
    samples.forEach(
        (flow, list) ->
            System.out.printf(
                Locale.ROOT,
                "bench | %s | %d | %.3f | %.3f | **%.3f** | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %d | %d | %d |%n",
                flow,
                list.size(),
                med(list, Sample::wall),
                med(list, Sample::work),
                med(list, Sample::overhead),
                med(list, Sample::apiStart),
                med(list, Sample::activityQueue),
                med(list, Sample::taskQueue),
                med(list, Sample::taskRun),
                med(list, Sample::timers),
                med(list, Sample::detect),
                med(list, Sample::other),
                list.get(0).activities(),
                list.get(0).locals(),
                list.get(0).tasks()));
    System.out.printf(Locale.ROOT, "bench: load at the end %s%n", load());
  }

  /** Every flow once, in dependency order, each removed again by its own delete flow. */
  private void round(Path disk, boolean timed) throws Exception {
    String image = id(images);
    run(
        timed,
        "UploadImage (raw 64 MiB, by path)",
        () ->
            stack.post(
                "/api/v1/images",
                "{\"imageId\":\""
                    + image
                    + "\",\"name\":\"bench\",\"source\":\""
                    + disk
                    + "\",\"diskFormat\":\"raw\"}"));
    String server = id(servers);
    run(
        timed,
        "BootFromImage (clone)",
        () ->
            stack.post(
                "/api/v1/servers",
                "{\"serverId\":\"" + server + "\",\"imageId\":\"" + image + "\"}"));
    String fromServer = id(images);
    run(
        timed,
        "CreateImageFromServer",
        () ->
            stack.post(
                "/api/v1/servers/" + server + "/images",
                "{\"imageId\":\"" + fromServer + "\",\"name\":\"bench\"}"));
    String volume = id(volumes);
    run(
        timed,
        "CreateVolumeFromImage (clone)",
        () ->
            stack.post(
                "/api/v1/volumes",
                "{\"volumeId\":\"" + volume + "\",\"imageId\":\"" + image + "\"}"));
    String snapshot = UUID.randomUUID().toString();
    run(
        timed,
        "CreateVolumeSnapshot",
        () ->
            stack.post(
                "/api/v1/volumes/" + volume + "/snapshots",
                "{\"snapshotId\":\"" + snapshot + "\"}"));
    String fromSnap = id(volumes);
    run(
        timed,
        "VolumeFromSnapshot (flatten never)",
        () ->
            stack.post(
                "/api/v1/volumes",
                "{\"volumeId\":\""
                    + fromSnap
                    + "\",\"sourceVolumeId\":\""
                    + volume
                    + "\",\"snapshotId\":\""
                    + snapshot
                    + "\",\"flatten\":\"never\"}"));
    run(
        timed,
        "DeleteServer",
        () -> stack.delete("/api/v1/servers/" + server + "?shutdownTimeoutSeconds=1"));
    run(
        timed,
        "DeleteVolume (clone of a snapshot)",
        () -> stack.delete("/api/v1/volumes/" + fromSnap));
    run(
        timed,
        "DeleteVolumeSnapshot",
        () -> stack.delete("/api/v1/volumes/" + volume + "/snapshots/" + snapshot));
    run(timed, "DeleteVolume", () -> stack.delete("/api/v1/volumes/" + volume));
    run(timed, "DeleteImage", () -> stack.delete("/api/v1/images/" + image));
    // untimed: its background flatten may still run, which the delete waits for
    run(false, "DeleteImage (of a server)", () -> stack.delete("/api/v1/images/" + fromServer));
  }

  private static String id(List<String> created) {
    String id = UUID.randomUUID().toString();
    created.add(id);
    return id;
  }

  /** Sends the request, polls its operation to the end, and (when timed) analyses its history. */
  private void run(
      boolean timed, String flow, java.util.function.Supplier<HttpResponse<String>> post)
      throws InterruptedException {
    long t0 = System.currentTimeMillis();
    String op = ServerIts.started(post.get());
    String body;
    long deadline = System.nanoTime() + 600_000_000_000L;
    String read = WAIT_SECONDS > 0 ? op + "?waitSeconds=" + WAIT_SECONDS : op;
    while ((body = stack.get(read).body()).contains("\"status\":\"RUNNING\"")) {
      assertThat(System.nanoTime()).as("still running: " + body).isLessThan(deadline);
      if (WAIT_SECONDS == 0) Thread.sleep(POLL_MS);
    }
    long t1 = System.currentTimeMillis();
    assertThat(body).as(flow + ": " + body).contains("\"status\":\"COMPLETED\"");
    if (!timed) return;
    String workflowId = op.substring(op.lastIndexOf('/') + 1);
    List<HistoryEvent> events =
        stack.worker.getBean(WorkflowClient.class).fetchHistory(workflowId).getEvents();
    Sample s = analyse(events, t0, t1);
    if (!TIMELINE.isEmpty() && flow.startsWith(TIMELINE)) timeline(flow, events, t0);
    samples.computeIfAbsent(flow, k -> new ArrayList<>()).add(s);
    System.out.printf(
        Locale.ROOT,
        "bench %s: wall %.3f s, activities %.3f s, overhead %.3f s%n",
        flow,
        s.wall(),
        s.work(),
        s.overhead());
  }

  /**
   * Adds up the history: each activity's scheduled -> started (queue) and started -> closed (work),
   * each workflow task's scheduled -> started and started -> completed, each timer's started ->
   * fired. Flows run their steps one after another, so the sums are the path's. A local activity
   * (the short steps, {@code Steps}) runs inside a workflow task and leaves only a marker, which
   * holds when it was scheduled: it worked until the next local activity of that task was
   * scheduled, the last one until the task completed; that time is counted as work, not as the
   * task's run.
   */
  static Sample analyse(List<HistoryEvent> events, long postMillis, long seenMillis) {
    Map<Long, Long> scheduled = new HashMap<>();
    Map<Long, Long> started = new HashMap<>();
    double work = 0, activityQueue = 0, taskQueue = 0, taskRun = 0, timers = 0;
    int activities = 0, tasks = 0, locals = 0;
    long taskEnd = 0;
    List<Long> localStarts = new ArrayList<>();
    long first = millis(events.get(0));
    long last = millis(events.get(events.size() - 1));
    for (HistoryEvent e : events) {
      long at = millis(e);
      EventType t = e.getEventType();
      switch (t) {
        case EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
            EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
            EVENT_TYPE_TIMER_STARTED ->
            scheduled.put(e.getEventId(), at);
        case EVENT_TYPE_ACTIVITY_TASK_STARTED -> {
          long from =
              scheduled.get(e.getActivityTaskStartedEventAttributes().getScheduledEventId());
          activityQueue += (at - from) / 1e3;
          started.put(e.getEventId(), at);
        }
        case EVENT_TYPE_ACTIVITY_TASK_COMPLETED -> {
          work +=
              (at - started.get(e.getActivityTaskCompletedEventAttributes().getStartedEventId()))
                  / 1e3;
          activities++;
        }
        case EVENT_TYPE_ACTIVITY_TASK_FAILED ->
            work +=
                (at - started.get(e.getActivityTaskFailedEventAttributes().getStartedEventId()))
                    / 1e3;
        case EVENT_TYPE_WORKFLOW_TASK_STARTED -> {
          taskQueue +=
              (at - scheduled.get(e.getWorkflowTaskStartedEventAttributes().getScheduledEventId()))
                  / 1e3;
          started.put(e.getEventId(), at);
        }
        case EVENT_TYPE_MARKER_RECORDED -> {
          Long scheduledAt = localScheduled(e);
          if (scheduledAt != null) localStarts.add(scheduledAt);
        }
        case EVENT_TYPE_WORKFLOW_TASK_COMPLETED -> {
          double local = localWork(localStarts, taskEnd);
          work += local;
          taskRun -= local;
          locals += localStarts.size();
          activities += localStarts.size();
          localStarts.clear();
          taskEnd = at;
          taskRun +=
              (at - started.get(e.getWorkflowTaskCompletedEventAttributes().getStartedEventId()))
                  / 1e3;
          tasks++;
        }
        case EVENT_TYPE_TIMER_FIRED ->
            timers +=
                (at - scheduled.get(e.getTimerFiredEventAttributes().getStartedEventId())) / 1e3;
        default -> {}
      }
    }
    double local = localWork(localStarts, taskEnd);
    work += local;
    taskRun -= local;
    locals += localStarts.size();
    activities += localStarts.size();
    return new Sample(
        (seenMillis - postMillis) / 1e3,
        work,
        (first - postMillis) / 1e3,
        activityQueue,
        taskQueue,
        taskRun,
        timers,
        (seenMillis - last) / 1e3,
        activities,
        locals,
        tasks);
  }

  /**
   * One line per event, milliseconds after the POST: the event, and for an activity (normal or
   * local) its type, so a reader sees where a flow's time goes step by step.
   */
  static void timeline(String flow, List<HistoryEvent> events, long postMillis) {
    Map<Long, String> types = new HashMap<>();
    for (HistoryEvent e : events) {
      String what =
          switch (e.getEventType()) {
            case EVENT_TYPE_ACTIVITY_TASK_SCHEDULED -> {
              String type = e.getActivityTaskScheduledEventAttributes().getActivityType().getName();
              types.put(e.getEventId(), type);
              yield type;
            }
            case EVENT_TYPE_ACTIVITY_TASK_STARTED ->
                types.get(e.getActivityTaskStartedEventAttributes().getScheduledEventId());
            case EVENT_TYPE_ACTIVITY_TASK_COMPLETED ->
                types.get(e.getActivityTaskCompletedEventAttributes().getScheduledEventId());
            case EVENT_TYPE_MARKER_RECORDED -> {
              var m = e.getMarkerRecordedEventAttributes();
              Long at = localScheduled(e);
              yield m.containsDetails("type")
                  ? m.getDetailsOrThrow("type").getPayloads(0).getData().toStringUtf8()
                      + (at == null ? "" : " scheduled at +" + (at - postMillis))
                  : m.getMarkerName();
            }
            default -> "";
          };
      System.out.printf(
          Locale.ROOT,
          "bench timeline %s | +%d ms | %s | %s%n",
          flow,
          millis(e) - postMillis,
          e.getEventType().name().substring("EVENT_TYPE_".length()),
          what);
    }
  }

  /** The local activities of one workflow task that completed at {@code taskEnd}, in seconds. */
  static double localWork(List<Long> starts, long taskEnd) {
    double sum = 0;
    for (int i = 0; i < starts.size(); i++) {
      long end = i + 1 < starts.size() ? starts.get(i + 1) : taskEnd;
      sum += Math.max(0, end - starts.get(i)) / 1e3;
    }
    return sum;
  }

  /** A local activity marker's schedule time (its {@code meta.firstSkd}), else null. */
  static Long localScheduled(HistoryEvent e) {
    var m = e.getMarkerRecordedEventAttributes();
    if (!"LocalActivity".equals(m.getMarkerName()) || !m.containsDetails("meta")) return null;
    try {
      String json = m.getDetailsOrThrow("meta").getPayloads(0).getData().toStringUtf8();
      return new com.fasterxml.jackson.databind.ObjectMapper()
          .readTree(json)
          .path("firstSkd")
          .asLong();
    } catch (java.io.IOException ex) {
      return null;
    }
  }

  private static long millis(HistoryEvent e) {
    return e.getEventTime().getSeconds() * 1000 + e.getEventTime().getNanos() / 1_000_000;
  }

  private static double med(List<Sample> list, java.util.function.ToDoubleFunction<Sample> f) {
    double[] v = list.stream().mapToDouble(f).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private static String load() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ", 4)[0];
    } catch (java.io.IOException e) {
      return "?";
    }
  }
}
