#!/usr/bin/env python3
"""Compares two sets of workflow histories saved by the workflow tests with
-Dcephflow.dumpHistories=DIR (one run before a refactoring, one after):

    (cd <checkout before> && mvn -B -o -q -pl workflows test -Dcephflow.dumpHistories=/tmp/h-before)
    mvn -B -o -q -pl workflows test -Dcephflow.dumpHistories=/tmp/h-after
    dev/compare-histories.py /tmp/h-before /tmp/h-after

A history is reduced to what a change that must not alter behaviour must keep: its events (no
workflow-task bookkeeping), activity types, options, inputs and results, markers, timers,
children and search attributes. Run ids, event ids, times, identities, ids the SDK draws at
random, stack traces and attempts are dropped; JSON payloads are compared as parsed JSON.
Histories are grouped by test class and workflow id and compared as multisets (test order is
not stable). Exit 1 when a group differs. The audit tests draw random ids: their group differs
from run to run whatever the code does.
"""
import base64
import collections
import hashlib
import json
import os
import re
import sys

DROP = {"eventTime", "taskId", "identity", "requestId", "activityId", "binaryChecksum", "stackTrace",
        "workerVersion", "sdkMetadata", "expirationTime", "lastHeartbeatDetails", "heartbeatDetails",
        "attempt", "lastFailure", "suggestContinueAsNew", "historySizeBytes", "workerVersionStamp",
        "meteringMetadata", "taskQueue", "timerId", "eventId"}
RUN_KEYS = {"runId", "originalExecutionRunId", "firstExecutionRunId", "newExecutionRunId",
            "continuedExecutionRunId"}
BOOKKEEPING = {"EVENT_TYPE_WORKFLOW_TASK_SCHEDULED", "EVENT_TYPE_WORKFLOW_TASK_STARTED",
               "EVENT_TYPE_WORKFLOW_TASK_COMPLETED", "EVENT_TYPE_WORKFLOW_TASK_FAILED",
               "EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT", "EVENT_TYPE_ACTIVITY_TASK_STARTED"}
UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def run_ids(o, out):
    if isinstance(o, dict):
        for k, v in o.items():
            if k in RUN_KEYS and isinstance(v, str) and v:
                out.add(v)
            run_ids(v, out)
    elif isinstance(o, list):
        for v in o:
            run_ids(v, out)


def norm(o, runs):
    if isinstance(o, dict):
        out = {}
        for k, v in o.items():
            if k in DROP or k.endswith("EventId"):
                continue
            if k == "data" and isinstance(v, str):
                try:
                    v = base64.b64decode(v).decode()
                    v = json.loads(v)
                except ValueError:
                    pass
            out[k] = norm(v, runs)
        return out
    if isinstance(o, list):
        return [norm(v, runs) for v in o]
    if isinstance(o, str):
        for r in runs:
            o = o.replace(r, "RUN")
        o = re.sub("@" + UUID, "@RUN", o)
        return re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", "TS", o)
    return o


def normalized(path):
    with open(path) as f:
        h = json.load(f)
    runs = set()
    run_ids(h, runs)
    events = [norm(e, runs) for e in h["events"] if e.get("eventType") not in BOOKKEEPING]
    return json.dumps(events, indent=1, sort_keys=True)


def load(root):
    groups = collections.defaultdict(collections.Counter)
    files = {}
    for cls in sorted(os.listdir(root)):
        for name in sorted(os.listdir(os.path.join(root, cls))):
            path = os.path.join(root, cls, name)
            text = normalized(path)
            digest = hashlib.sha1(text.encode()).hexdigest()
            workflow_id = name.split("-", 1)[1]
            # audit runs are named by a random id: one group for all of a test class's
            workflow_id = re.sub("^audit-" + UUID, "audit-*", workflow_id)
            groups[(cls, workflow_id)][digest] += 1
            files[digest] = path
    return groups, files


def main():
    before, before_files = load(sys.argv[1])
    after, after_files = load(sys.argv[2])
    differing = 0
    for key in sorted(set(before) | set(after)):
        if before[key] == after[key]:
            continue
        differing += 1
        print("differs:", key[0], key[1])
        for d in before[key] - after[key]:
            print("  only before:", before_files[d])
        for d in after[key] - before[key]:
            print("  only after: ", after_files[d])
    print(f"{len(set(before) | set(after))} groups, {differing} differing")
    sys.exit(1 if differing else 0)


if __name__ == "__main__":
    main()
