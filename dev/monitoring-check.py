#!/usr/bin/env python3
"""Checks docs/monitoring: the alert rules and the Grafana dashboard are well formed, and every
cephflow_* metric they name is one the code emits (a renamed metric breaks this, not a silent
alert). Run by dev/chart-test.sh; alone: python3 dev/monitoring-check.py."""
import json
import pathlib
import re
import sys

import yaml

repo = pathlib.Path(__file__).resolve().parent.parent
errors = []

# what the code emits: names given to counter/gauge/timer in Java (Micrometer or the SDK's scope)
emitted = set()
for src in list(repo.glob("*/src/main/java/**/*.java")):
    emitted.update(re.findall(r'"(cephflow_[a-z_]+)"', src.read_text()))
if not emitted:
    sys.exit("monitoring-check: found no cephflow_* metric in the sources")


def base(name):
    for suffix in ("_seconds_bucket", "_seconds_count", "_seconds_sum", "_seconds", "_total", "_bucket", "_count", "_sum"):
        if name.endswith(suffix) and name[: -len(suffix)] in emitted:
            return name[: -len(suffix)]
    return name


def check_expr(where, expr):
    for m in re.findall(r"\bcephflow_[a-z_]+", expr):
        if base(m) not in emitted:
            errors.append(f"{where}: {m} is not a metric the code emits ({sorted(emitted)})")


alerts = yaml.safe_load((repo / "docs/monitoring/cephflow-alerts.yaml").read_text())
names = set()
for group in alerts["groups"]:
    for rule in group["rules"]:
        for key in ("alert", "expr", "labels", "annotations"):
            if key not in rule:
                errors.append(f"alert {rule.get('alert')}: no {key}")
        if rule.get("alert") in names:
            errors.append(f"alert {rule['alert']} twice")
        names.add(rule.get("alert"))
        if rule.get("labels", {}).get("severity") not in ("info", "warning", "critical"):
            errors.append(f"alert {rule.get('alert')}: severity must be info, warning or critical")
        check_expr("alert " + str(rule.get("alert")), rule.get("expr", ""))

dash = json.loads((repo / "docs/monitoring/cephflow-dashboard.json").read_text())
ids = set()
for panel in dash["panels"]:
    if panel["id"] in ids:
        errors.append(f"panel id {panel['id']} twice")
    ids.add(panel["id"])
    if not panel.get("targets"):
        errors.append(f"panel {panel['title']}: no query")
    for t in panel.get("targets", []):
        check_expr("panel " + panel["title"], t["expr"])

if errors:
    print("\n".join("monitoring-check: " + e for e in errors), file=sys.stderr)
    sys.exit(1)
print(f"monitoring-check: OK ({len(names)} alerts, {len(ids)} panels; metrics emitted: {', '.join(sorted(emitted))})")
