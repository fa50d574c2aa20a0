#!/usr/bin/env python3
"""Checks the fields that matter in the chart's rendered manifests (dev/chart-test.sh renders them):
images, environment, mounts, probes, task queues, Secrets, selectors.

    chart-check.py default.yaml full.yaml
"""
import sys

import yaml

FAILURES = []


def check(ok, what):
    if not ok:
        FAILURES.append(what)


def load(path):
    with open(path) as f:
        docs = [d for d in yaml.safe_load_all(f) if d]
    return {(d["kind"], d["metadata"]["name"]): d for d in docs}


def one(objs, kind, suffix):
    found = [o for (k, n), o in objs.items() if k == kind and n.endswith(suffix)]
    check(len(found) == 1, f"one {kind} *{suffix}, found {len(found)}")
    return found[0] if found else {}


def env(container):
    return {e["name"]: e.get("value", e.get("valueFrom")) for e in container.get("env", [])}


def pod_checks(name, workload, objs):
    spec = workload["spec"]["template"]["spec"]
    labels = workload["spec"]["template"]["metadata"]["labels"]
    selector = workload["spec"]["selector"]["matchLabels"]
    check(all(labels.get(k) == v for k, v in selector.items()), f"{name}: selector matches its pods")
    check(spec.get("automountServiceAccountToken") is False, f"{name}: no service account token")
    sa = spec.get("serviceAccountName")
    check(bool(sa), f"{name}: serviceAccountName")
    (c,) = spec["containers"]
    volumes = {v["name"]: v for v in spec.get("volumes", [])}
    mounts = c.get("volumeMounts", [])
    for m in mounts:
        check(m["name"] in volumes, f"{name}: mount {m['name']} has a volume")
    ports = {p["name"] for p in c.get("ports", [])}
    probes = {p: c.get(p + "Probe") for p in ("startup", "liveness", "readiness")}
    for p, probe in probes.items():
        check(probe is not None, f"{name}: {p} probe")
        if probe:
            check(probe["httpGet"]["port"] in ports, f"{name}: {p} probe on a declared port")
    if all(probes.values()):
        check(probes["startup"]["httpGet"]["path"] == "/actuator/health/liveness", f"{name}: startup = liveness")
        check(probes["liveness"]["httpGet"]["path"] == "/actuator/health/liveness", f"{name}: liveness group")
        check(probes["readiness"]["httpGet"]["path"] == "/actuator/health/readiness", f"{name}: readiness group")
        check("initialDelaySeconds" not in probes["liveness"], f"{name}: the startup probe replaces the delay")
    e = env(c)
    for var in ("TEMPORAL_ADDRESS", "TEMPORAL_NAMESPACE", "CEPHFLOW_CEPH_CONF", "CEPHFLOW_CEPH_KEYRING",
                "CEPHFLOW_LOG_FORMAT", "CEPHFLOW_SOURCE_DIRS"):
        check(var in e, f"{name}: env {var}")
    # every file the environment names is in a mount (and a Secret's item, when it is one)
    for var, value in e.items():
        if isinstance(value, str) and value.startswith("/etc/") and var != "CEPHFLOW_SOURCE_DIRS":
            mount = [m for m in mounts if value == m["mountPath"] or value.startswith(m["mountPath"].rstrip("/") + "/")]
            check(bool(mount), f"{name}: {var}={value} is mounted")
            if mount:
                vol = volumes.get(mount[0]["name"], {})
                items = (vol.get("secret") or vol.get("configMap") or {}).get("items")
                rel = value[len(mount[0]["mountPath"]):].lstrip("/") or mount[0].get("subPath", "")
                if items:
                    check(rel in [i["path"] for i in items], f"{name}: {var} names an item of its volume")
    return spec, c, e, volumes, mounts


def common(objs, values):
    api = one(objs, "Deployment", "-api")
    worker = one(objs, "DaemonSet", "-worker")
    a_spec, a, a_env, a_vols, a_mounts = pod_checks("api", api, objs)
    w_spec, w, w_env, w_vols, w_mounts = pod_checks("worker", worker, objs)
    check(a["image"] == values["api_image"], f"api image {a['image']}")
    check(w["image"] == values["worker_image"], f"worker image {w['image']}")
    # the worker's host task queue comes from the node's name
    check(w_env.get("CEPHFLOW_HYPERVISOR") == {"fieldRef": {"fieldPath": "spec.nodeName"}}, "worker: host queue = node")
    check(a_env["CEPHFLOW_SOURCE_DIRS"] == w_env["CEPHFLOW_SOURCE_DIRS"], "api and worker check the same source roots")
    check(any(m["mountPath"] == w_env["CEPHFLOW_SOURCE_DIRS"] for m in w_mounts), "worker: source roots mounted")
    check(any(m["mountPath"] == w_env["CEPHFLOW_WORKER_STATE"] for m in w_mounts), "worker: state dir mounted at its path")
    check(w_vols["ceph-keyring"]["secret"]["secretName"] == values["keyring_secret"], "worker: keyring Secret")
    check(a_env["CEPHFLOW_LOG_FORMAT"] == values["log_format"], "api log format")
    check(w_env["CEPHFLOW_LOG_FORMAT"] == values["log_format"], "worker log format")
    grace = int(w_env["CEPHFLOW_WORKER_SHUTDOWNGRACE"].rstrip("s"))
    check(grace == values["grace"], "worker: shutdown grace")
    check(w_spec["terminationGracePeriodSeconds"] > grace, "worker: termination grace exceeds the drain")
    cap = (w_env.get("CEPHFLOW_LIBVIRT_CAPACITY_MEMORYMIB"), w_env.get("CEPHFLOW_LIBVIRT_CAPACITY_DOMAINS"))
    check(all(v is not None and v.isdigit() for v in cap) and int(cap[1]) >= 1, f"worker: placement capacity {cap}")
    limits = {c: w_env.get(f"CEPHFLOW_LIMIT_{c}") for c in ("CONVERSIONS", "FLATTENS", "TRANSFERS", "LIBVIRT")}
    check(all(v is not None and v.isdigit() and int(v) >= 1 for v in limits.values()), f"worker: limits {limits}")
    slots = w_env.get("CEPHFLOW_ACTIVITY_SLOTS", "")
    check(slots.isdigit() and int(slots) > sum(int(v) for v in limits.values() if v and v.isdigit()),
          "worker: activity slots above the sum of the limits")
    check(a_spec["securityContext"].get("runAsNonRoot") is True, "api runs as non-root")
    svc = one(objs, "Service", "-api")
    labels = api["spec"]["template"]["metadata"]["labels"]
    check(all(labels.get(k) == v for k, v in svc["spec"]["selector"].items()), "api Service selects the api pods")
    pdb = one(objs, "PodDisruptionBudget", "-api")
    check(all(labels.get(k) == v for k, v in pdb["spec"]["selector"]["matchLabels"].items()), "PDB selects the api pods")
    check(pdb["spec"]["maxUnavailable"] == values["max_unavailable"], "PDB maxUnavailable")
    for spec, n in ((a_spec, "api"), (w_spec, "worker")):
        check(spec["serviceAccountName"] == values["service_account"], f"{n}: service account {spec['serviceAccountName']}")
        check([s["name"] for s in spec.get("imagePullSecrets", [])] == values["pull_secrets"], f"{n}: pull secrets")
    return api, worker, a_env, w_env, a_vols, w_vols, a_mounts, w_mounts


def default(path):
    objs = load(path)
    _, _, a_env, w_env, *_ = common(objs, dict(api_image="cephflow-api:0.1.0", worker_image="cephflow-worker:0.1.0",
                                                keyring_secret="cephflow-ceph-keyring", log_format="ecs", grace=30,
                                                max_unavailable=1, service_account="t-cephflow", pull_secrets=[]))
    check(("ServiceAccount", "t-cephflow") in objs, "a ServiceAccount")
    for kind in ("NetworkPolicy", "ServiceMonitor"):
        check(not [k for k in objs if k[0] == kind], f"no {kind} by default")
    for e in (a_env, w_env):
        check(not [k for k in e if k.startswith("CEPHFLOW_TEMPORAL_")], "no Temporal TLS or key by default")


def full(path):
    objs = load(path)
    api, worker, a_env, w_env, a_vols, w_vols, a_mounts, w_mounts = common(objs, dict(
        api_image="registry.example/cephflow-api:1.2.3", worker_image="registry.example/cephflow-worker:1.2.3",
        keyring_secret="cephflow-ceph-keyring", log_format="logstash", grace=120, max_unavailable=2,
        service_account="cephflow-sa", pull_secrets=["regcred"]))
    for n, e, vols, mounts in (("api", a_env, a_vols, a_mounts), ("worker", w_env, w_vols, w_mounts)):
        check(e.get("CEPHFLOW_TEMPORAL_TLS_ENABLED") == "true", f"{n}: TLS on")
        for var in ("CEPHFLOW_TEMPORAL_TLS_CAFILE", "CEPHFLOW_TEMPORAL_TLS_CERTFILE", "CEPHFLOW_TEMPORAL_TLS_KEYFILE",
                    "CEPHFLOW_TEMPORAL_APIKEYFILE"):
            check(var in e, f"{n}: {var}")
        check(e.get("CEPHFLOW_TEMPORAL_TLS_SERVERNAME") == "temporal.internal", f"{n}: server name")
        check(vols["temporal-tls"]["secret"]["secretName"] == "temporal-client-tls", f"{n}: TLS Secret")
        check(vols["temporal-key"]["secret"]["secretName"] == "temporal-api-key", f"{n}: API key Secret")
        key_mount = [m for m in mounts if m["name"] == "temporal-key"]
        check(key_mount and "subPath" not in key_mount[0], f"{n}: the API key is no subPath mount (rotation)")
    check(w_env.get("CEPHFLOW_ACTIVITIES_DEFAULTS_MAXATTEMPTS") == "5", "worker extraEnv")
    check(a_env.get("CEPHFLOW_API_MAX_BODY") == "32KB", "api extraEnv")
    check(any(m["mountPath"] == "/mnt/images" for m in w_mounts), "worker extraVolumeMounts")
    check(a_env.get("CEPHFLOW_API_TOKENS_FILE") == "/etc/cephflow/api/tokens", "api tokens from their Secret")
    sa = objs.get(("ServiceAccount", "cephflow-sa"), {})
    check(sa.get("metadata", {}).get("annotations") == {"example.com/owner": "storage"}, "ServiceAccount annotations")
    pods = {"api": api["spec"]["template"]["metadata"]["labels"], "worker": worker["spec"]["template"]["metadata"]["labels"]}
    for n in ("api", "worker"):
        np = one(objs, "NetworkPolicy", "-" + n)
        check(all(pods[n].get(k) == v for k, v in np["spec"]["podSelector"]["matchLabels"].items()), f"NetworkPolicy {n} selects its pods")
        check(np["spec"]["ingress"][0]["ports"][0]["port"] == "http", f"NetworkPolicy {n}: the http port only")
        check(len(np["spec"]["ingress"][0].get("from", [])) == 1, f"NetworkPolicy {n}: its peers")
        sm = one(objs, "ServiceMonitor", "-" + n)
        check(sm["metadata"]["labels"].get("release") == "prometheus", f"ServiceMonitor {n}: labels")
        services = [o for (k, _), o in objs.items() if k == "Service"
                    and all(o["metadata"]["labels"].get(a) == b for a, b in sm["spec"]["selector"]["matchLabels"].items())]
        check(len(services) == 1, f"ServiceMonitor {n} selects one Service, {len(services)}")
        if services:
            check(all(pods[n].get(a) == b for a, b in services[0]["spec"]["selector"].items()), f"Service for {n} selects its pods")
            check(sm["spec"]["endpoints"][0]["port"] in [p["name"] for p in services[0]["spec"]["ports"]], f"ServiceMonitor {n}: port")
    auth = one(objs, "ServiceMonitor", "-api")["spec"]["endpoints"][0].get("authorization", {})
    check(auth.get("credentials") == {"name": "cephflow-metrics-token", "key": "token"}, "api scrape token from its Secret")


def main(default_path, full_path):
    default(default_path)
    full(full_path)
    if FAILURES:
        print("chart-check: FAILED\n  " + "\n  ".join(FAILURES), file=sys.stderr)
        sys.exit(1)
    print("chart-check: OK (default and full values)")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
