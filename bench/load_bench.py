"""The driver of bench/load-bench.sh (read its header): cephflow phases through the REST API,
ceiling phases with rbd/virsh/qemu-img, all concurrent, figures on stdout."""

import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor

API = os.environ["CEPHFLOW_FLEET_API"]
TOKEN = os.environ["CEPHFLOW_TOKEN"]
HOSTS = os.environ["CEPHFLOW_FLEET_HOSTS"].split()
FLEET = os.environ["FLEET_STATE"]
PORT = int(os.environ["FLEET_PORT"])
BOOTS = int(os.environ["BOOTS"])
UPLOADS = int(os.environ["UPLOADS"])
MEMORY = int(os.environ["MEMORY_MIB"])
TIMEOUT = int(os.environ["BENCH_TIMEOUT"])
WORK = os.environ["WORK"]
CONF = os.environ["CEPHFLOW_CEPH_CONF"]
KEYRING = os.environ["CEPHFLOW_CEPH_KEYRING"]
CLIENT = os.environ.get("CEPHFLOW_CEPH_CLIENT", "cephflow")
RBD = ["rbd", "--conf", CONF, "--id", CLIENT, "--keyring", KEYRING]
RUN = uuid.uuid4().hex[:4]


def bench_id(kind, i):
    """Ids the bench owns: f1ee<run>-..., kind 0 servers, 1 uploads, 2 the base image."""
    return f"f1ee{RUN}-0000-4000-8{kind:03d}-{i:012d}"


def api(method, path, body=None):
    req = urllib.request.Request(API + path, method=method,
                                 data=None if body is None else json.dumps(body).encode(),
                                 headers={"Authorization": "Bearer " + TOKEN, "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


def wait_op(op):
    deadline = time.time() + TIMEOUT
    while time.time() < deadline:
        status, body = api("GET", "/api/v1/operations/" + op)
        if status == 200 and body["status"] != "RUNNING":
            return body["status"], body.get("failure")
        time.sleep(0.2)
    return "BENCH_TIMEOUT", None


def flow(method, path, body=None):
    """Starts an operation and waits for it: (ok, seconds, detail)."""
    t0 = time.monotonic()
    status, accepted = api(method, path, body)
    if status != 202:
        return False, time.monotonic() - t0, f"HTTP {status}: {accepted}"
    result, failure = wait_op(accepted["operationId"])
    return result == "COMPLETED", time.monotonic() - t0, f"{result} {failure or ''}"


def sh(*cmd):
    """Runs one command: (ok, seconds, detail)."""
    t0 = time.monotonic()
    p = subprocess.run(cmd, capture_output=True, text=True)
    return p.returncode == 0, time.monotonic() - t0, p.stderr.strip()[-300:]


def steps(*cmds):
    t0 = time.monotonic()
    for c in cmds:
        ok, _, err = sh(*c)
        if not ok:
            return False, time.monotonic() - t0, f"{c[:3]}: {err}"
    return True, time.monotonic() - t0, ""


def virsh_cmd(host, *args):
    # dev/libvirt.sh virsh reads its directory from the environment: pass it through env(1)
    return ["env", f"CEPHFLOW_LIBVIRT_DIR={FLEET}/{host}/libvirt", os.environ["LIBVIRT_SH"], "virsh", "-q", *args]


results = {}


def phase(name, n, fn):
    t0 = time.monotonic()
    with ThreadPoolExecutor(max_workers=max(1, n)) as pool:
        out = list(pool.map(fn, range(n)))
    wall = time.monotonic() - t0
    lat = sorted(o[1] for o in out)
    fails = [o[2] for o in out if not o[0]]
    results[name] = dict(n=n, wall=wall, tput=n / wall, p50=pct(lat, 50), p95=pct(lat, 95), max=lat[-1],
                         failures=len(fails))
    r = results[name]
    print(f"{name:<22} {n:>4} {len(fails):>5} {wall:>8.1f} {r['tput']:>8.2f} {r['p50']:>7.1f} {r['p95']:>7.1f} "
          f"{r['max']:>7.1f}", flush=True)
    for f in fails[:5]:
        print(f"    failure: {f}", flush=True)
    return out


def pct(sorted_values, p):
    k = max(0, min(len(sorted_values) - 1, int(round(p / 100 * len(sorted_values) + 0.5)) - 1))
    return sorted_values[k]


class Sampler(threading.Thread):
    """Each worker's heap used (Prometheus endpoint) and RSS (/proc), peak over the run."""

    def __init__(self):
        super().__init__(daemon=True)
        self.stop = threading.Event()
        self.peak = {h: [0, 0] for h in HOSTS}
        self.waiting = {}  # (host, class) -> peak of cephflow_activity_slots_waiting
        self.in_use = {}  # (host, class) -> peak of cephflow_activity_slots_in_use

    def run(self):
        while not self.stop.wait(1):
            for i, h in enumerate(HOSTS):
                port = PORT + int(h.split("-")[1])
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/actuator/prometheus", timeout=5) as r:
                        text = r.read().decode()
                    heap = sum(float(m) for m in re.findall(r'^jvm_memory_used_bytes\{[^}]*area="heap"[^}]*\} (\S+)',
                                                            text, re.M))
                    pid = open(f"{FLEET}/{h}/worker.java.pid").read().strip()
                    rss = int(re.search(r"VmRSS:\s+(\d+)", open(f"/proc/{pid}/status").read()).group(1)) * 1024
                    self.peak[h] = [max(self.peak[h][0], heap), max(self.peak[h][1], rss)]
                    for c, v in re.findall(r'^cephflow_activity_slots_waiting\{[^}]*class="([^"]+)"[^}]*\} (\S+)', text, re.M):
                        self.waiting[(h, c)] = max(self.waiting.get((h, c), 0), float(v))
                    for c, v in re.findall(r'^cephflow_activity_slots_in_use\{[^}]*class="([^"]+)"[^}]*\} (\S+)', text, re.M):
                        self.in_use[(h, c)] = max(self.in_use.get((h, c), 0), float(v))
                except (OSError, ValueError, AttributeError):
                    pass


def main():
    base = bench_id(2, 0)
    servers = [bench_id(0, i) for i in range(BOOTS)]
    uploads = [bench_id(1, i) for i in range(UPLOADS)]
    sampler = Sampler()
    sampler.start()
    print(f"load-bench: {BOOTS} boots over {len(HOSTS)} hosts ({' '.join(HOSTS)}), {UPLOADS} qcow2 uploads, "
          f"guests {MEMORY} MiB; run {RUN}", flush=True)
    ok, secs, detail = flow("POST", "/api/v1/images", {"imageId": base, "name": "fl-bench-base",
                                                        "source": f"{WORK}/base.raw", "diskFormat": "raw"})
    if not ok:
        sys.exit(f"load-bench: the base image upload failed: {detail}")
    print(f"base image {base} uploaded in {secs:.1f} s\n", flush=True)
    print(f"{'phase':<22} {'n':>4} {'fail':>5} {'wall s':>8} {'flows/s':>8} {'p50 s':>7} {'p95 s':>7} {'max s':>7}")
    cleanup = []
    try:
        phase("cephflow boot", BOOTS, lambda i: flow("POST", "/api/v1/servers", {
            "serverId": servers[i], "hypervisor": HOSTS[i % len(HOSTS)], "imageId": base, "memoryMiB": MEMORY,
            "vcpus": 1, "forbidSlowPath": True}))
        # the ceiling's domain XML: what cephflow defined on each host, renamed per server
        # (any server that booted on the host: a failed boot left no domain to copy)
        templates = {}
        for i in range(BOOTS):
            h = HOSTS[i % len(HOSTS)]
            if h in templates:
                continue
            p = subprocess.run(virsh_cmd(h, "dumpxml", "--inactive", f"instance-{servers[i]}"),
                               capture_output=True, text=True)
            if p.returncode == 0:
                templates[h] = (servers[i], re.sub(r"\s*<uuid>[^<]*</uuid>", "", p.stdout))
        missing = [h for h in HOSTS[:BOOTS] if h not in templates]
        if missing:
            sys.exit(f"load-bench: no server booted on {missing}: no domain XML for the ceiling")
        phase("cephflow delete", BOOTS, lambda i: flow(
            "DELETE", f"/api/v1/servers/{servers[i]}?hypervisor={HOSTS[i % len(HOSTS)]}&shutdownTimeoutSeconds=1"))

        def direct_boot(i):
            h = HOSTS[i % len(HOSTS)]
            sid, xml = templates[h]
            name = f"fl-direct-{RUN}-{i}"
            path = f"{WORK}/{name}.xml"
            with open(path, "w") as f:
                f.write(xml.replace(sid, name))
            cleanup.append((h, name))
            return steps(RBD + ["clone", f"images/{base}@snap", f"vms/{name}_disk"],
                         virsh_cmd(h, "define", path), virsh_cmd(h, "start", f"instance-{name}"))

        def direct_delete(i):
            h = HOSTS[i % len(HOSTS)]
            name = f"fl-direct-{RUN}-{i}"
            return steps(virsh_cmd(h, "destroy", f"instance-{name}"), virsh_cmd(h, "undefine", f"instance-{name}"),
                         RBD + ["rm", "--no-progress", f"vms/{name}_disk"])

        phase("direct boot", BOOTS, direct_boot)
        phase("direct delete", BOOTS, direct_delete)

        phase("cephflow upload qcow2", UPLOADS, lambda i: flow("POST", "/api/v1/images", {
            "imageId": uploads[i], "name": f"fl-bench-up-{i}", "source": f"{WORK}/up.qcow2", "diskFormat": "qcow2"}))

        def direct_upload(i):
            name = f"fl-direct-{RUN}-up-{i}"
            return steps(["qemu-img", "convert", "-f", "qcow2", "-O", "raw", "-W", "-m", "16", f"{WORK}/up.qcow2",
                          f"rbd:images/{name}:id={CLIENT}:conf={CONF}:keyring={KEYRING}"],
                         RBD + ["snap", "create", f"images/{name}@snap"], RBD + ["snap", "protect", f"images/{name}@snap"])

        phase("direct upload qcow2", UPLOADS, direct_upload)
    finally:
        sampler.stop.set()
        clean(base, servers, uploads, cleanup)
    print("\nratio cephflow/ceiling (throughput):")
    for a, b in (("cephflow boot", "direct boot"), ("cephflow delete", "direct delete"),
                 ("cephflow upload qcow2", "direct upload qcow2")):
        if a in results and b in results:
            print(f"  {a[9:]:<14} {results[a]['tput'] / results[b]['tput']:.2f}")
    print("\nworker peaks (heap used, RSS):")
    for h, (heap, rss) in sampler.peak.items():
        print(f"  {h}: heap {heap / 2**20:.0f} MiB, RSS {rss / 2**20:.0f} MiB")
    queued = {k: v for k, v in sampler.waiting.items() if v > 0}
    print("peak activities queued for a slot (sampled every second): "
          + (", ".join(f"{h} {c} {v:.0f}" for (h, c), v in sorted(queued.items())) or "none"))
    used = {k: v for k, v in sampler.in_use.items() if v > 0}
    print("peak activities holding a slot (sampled every second): "
          + (", ".join(f"{h} {c} {v:.0f}" for (h, c), v in sorted(used.items())) or "none"))
    failures = sum(r["failures"] for r in results.values())
    print(f"\nfailures: {failures}")
    sys.exit(1 if failures else 0)


def clean(base, servers, uploads, direct):
    """What this run made, whatever state it reached; 'not found' is fine."""
    for h, name in direct:
        for c in (virsh_cmd(h, "destroy", f"instance-{name}"), virsh_cmd(h, "undefine", f"instance-{name}"),
                  RBD + ["rm", "--no-progress", f"vms/{name}_disk"]):
            subprocess.run(c, capture_output=True)
    for i in range(UPLOADS):
        name = f"images/fl-direct-{RUN}-up-{i}"
        for c in (["snap", "unprotect", f"{name}@snap"], ["snap", "rm", "--no-progress", f"{name}@snap"],
                  ["rm", "--no-progress", name]):
            subprocess.run(RBD + c, capture_output=True)
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda i: flow("DELETE", f"/api/v1/servers/{servers[i]}?hypervisor={HOSTS[i % len(HOSTS)]}&shutdownTimeoutSeconds=1")
                      if api("GET", f"/api/v1/servers/{servers[i]}")[0] == 200 else None, range(len(servers))))
        list(pool.map(lambda u: flow("DELETE", f"/api/v1/images/{u}"), uploads))
    ok, _, detail = flow("DELETE", f"/api/v1/images/{base}")
    if not ok:
        print(f"load-bench: removing the base image {base}: {detail}", file=sys.stderr)


if __name__ == "__main__":
    main()
