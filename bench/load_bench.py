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
WARMUP = int(os.environ.get("WARMUP", "0"))
WAIT_SECONDS = int(os.environ.get("BENCH_WAIT_SECONDS", "5"))
# each read is a full Prometheus scrape of the worker: at 1 s over 8 workers it took ~10 % of
# the workers' CPU in the boot phase (2026-12-03), a load no real scraper puts on them
SAMPLE_SECONDS = float(os.environ.get("BENCH_SAMPLE_SECONDS", "3"))


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
    """Follows an operation with the API's long poll, as the CLI does: each read waits up to
    WAIT_SECONDS for the end and answers as soon as it comes. (Until 2026-12-03 this polled every
    0.2 s without it: with 100 flows in flight that was 500 reads a second, each a progress query
    that the workers answered and Temporal relayed, load the ceiling's phases never carried.)"""
    deadline = time.time() + TIMEOUT
    while time.time() < deadline:
        status, body = api("GET", f"/api/v1/operations/{op}?waitSeconds={WAIT_SECONDS}")
        if status == 200 and body["status"] != "RUNNING":
            return body["status"], body.get("failure")
        if status != 200:
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


class Cpu(threading.Thread):
    """CPU seconds by process group (user + system from /proc), so each phase can say what its
    flows cost and who paid: on a machine whose cores the run saturates, throughput follows
    that cost. Samples every 0.5 s and keeps the last reading of a process that ended (a
    destroyed guest), so its time up to then still counts; the tools the ceiling runs are this
    process's children, counted when they are reaped."""

    def __init__(self):
        super().__init__(daemon=True)
        self.hz = os.sysconf("SC_CLK_TCK")
        self.ticks = {}  # pid -> (group, ticks)
        self.lock = threading.Lock()
        self.sample()

    @staticmethod
    def group(pid):
        try:
            argv = [a.decode(errors="replace") for a in open(f"/proc/{pid}/cmdline", "rb").read().split(b"\0")]
        except OSError:
            return None
        exe = os.path.basename(argv[0]) if argv and argv[0] else ""
        line = " ".join(argv) + " "
        if exe == "java":
            if "cephflow-worker" in line:
                return "cephflow workers"
            return "cephflow api" if "cephflow-starter" in line else None
        if exe == "temporal" and " server " in line:
            return "temporal server"
        if exe.startswith("qemu-system"):
            return "guests (qemu)"
        if exe in ("libvirtd", "virtqemud"):
            return "libvirtd"
        return "ceph daemons" if exe in ("ceph-osd", "ceph-mon", "ceph-mgr") else None

    def sample(self):
        seen = {}
        for p in os.listdir("/proc"):
            if not p.isdigit():
                continue
            with self.lock:
                known = self.ticks.get(p)
            g = known[0] if known else self.group(p)
            if g is None:
                continue
            try:
                st = open(f"/proc/{p}/stat").read()
                f = st[st.rfind(")") + 2:].split()
                seen[p] = (g, int(f[11]) + int(f[12]))
            except (OSError, IndexError, ValueError):
                pass
        with self.lock:
            self.ticks.update(seen)

    def run(self):
        while True:
            time.sleep(0.5)
            self.sample()

    def read(self):
        self.sample()
        t = os.times()
        with self.lock:
            return dict(self.ticks), t.children_user + t.children_system, t.user + t.system

    def since(self, before):
        ticks0, children0, own0 = before
        ticks1, children1, own1 = self.read()
        out = {}
        for p, (g, v) in ticks1.items():
            old = ticks0.get(p)
            # a pid reused by another process in between starts again from 0
            d = v - (old[1] if old and old[0] == g and old[1] <= v else 0)
            out[g] = out.get(g, 0) + d / self.hz
        out["ceiling tools"] = children1 - children0
        out["bench itself"] = own1 - own0
        return out


cpu = Cpu()
cpu_used = {}


results = {}


def phase(name, n, fn):
    cpu0 = cpu.read()
    t0 = time.monotonic()
    with ThreadPoolExecutor(max_workers=max(1, n)) as pool:
        out = list(pool.map(fn, range(n)))
    wall = time.monotonic() - t0
    cpu_used[name] = (n, cpu.since(cpu0))
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
    """Each worker's heap used (Prometheus endpoint) and RSS (/proc), peak over the run, read
    every SAMPLE_SECONDS."""

    def __init__(self):
        super().__init__(daemon=True)
        self.stop = threading.Event()
        self.peak = {h: [0, 0] for h in HOSTS}
        self.waiting = {}  # (host, class) -> peak of cephflow_activity_slots_waiting
        self.in_use = {}  # (host, class) -> peak of cephflow_activity_slots_in_use

    def run(self):
        while not self.stop.wait(SAMPLE_SECONDS):
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
    warm = [bench_id(3, i) for i in range(WARMUP)]
    sampler = Sampler()
    sampler.start()
    cpu.start()
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
        if WARMUP:
            # the workers' JIT compiles most of the boot and delete paths in their first few
            # dozen flows (C2 took a third of the workers' CPU in the first runs after a start);
            # a worker of a cloud has long done that, so these rounds are run and not counted
            t0 = time.monotonic()
            with ThreadPoolExecutor(max_workers=len(HOSTS)) as pool:
                done = list(pool.map(lambda i: flow("POST", "/api/v1/servers", {
                    "serverId": warm[i], "hypervisor": HOSTS[i % len(HOSTS)], "imageId": base,
                    "memoryMiB": MEMORY, "vcpus": 1, "forbidSlowPath": True})[0] and flow(
                    "DELETE", f"/api/v1/servers/{warm[i]}?hypervisor={HOSTS[i % len(HOSTS)]}"
                              "&shutdownTimeoutSeconds=1")[0], range(WARMUP)))
            print(f"(warm-up, not counted: {WARMUP} boots and deletes, {len(HOSTS)} at a time, "
                  f"{done.count(False)} failed, {time.monotonic() - t0:.0f} s)", flush=True)
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
        clean(base, servers + warm, uploads, cleanup)
    print("\nratio cephflow/ceiling (throughput):")
    for a, b in (("cephflow boot", "direct boot"), ("cephflow delete", "direct delete"),
                 ("cephflow upload qcow2", "direct upload qcow2")):
        if a in results and b in results:
            print(f"  {a[9:]:<14} {results[a]['tput'] / results[b]['tput']:.2f}")
    print_cpu()
    print("\nworker peaks (heap used, RSS):")
    for h, (heap, rss) in sampler.peak.items():
        print(f"  {h}: heap {heap / 2**20:.0f} MiB, RSS {rss / 2**20:.0f} MiB")
    queued = {k: v for k, v in sampler.waiting.items() if v > 0}
    print(f"peak activities queued for a slot (sampled every {SAMPLE_SECONDS:g} s): "
          + (", ".join(f"{h} {c} {v:.0f}" for (h, c), v in sorted(queued.items())) or "none"))
    used = {k: v for k, v in sampler.in_use.items() if v > 0}
    print(f"peak activities holding a slot (sampled every {SAMPLE_SECONDS:g} s): "
          + (", ".join(f"{h} {c} {v:.0f}" for (h, c), v in sorted(used.items())) or "none"))
    failures = sum(r["failures"] for r in results.values())
    print(f"\nfailures: {failures}")
    sys.exit(1 if failures else 0)


def print_cpu():
    columns = (("cephflow workers", "workers"), ("cephflow api", "api"), ("temporal server", "temporal"),
               ("guests (qemu)", "guests"), ("libvirtd", "libvirtd"), ("ceph daemons", "ceph"),
               ("ceiling tools", "tools"), ("bench itself", "bench"))
    print("\nCPU seconds per flow, by process group (the phase's CPU time / its flows; 'ceiling tools' are"
          " rbd, virsh, qemu-img):")
    print(f"{'phase':<22} " + " ".join(f"{label:>9}" for _, label in columns) + f" {'total':>7}")
    for name, (n, used) in cpu_used.items():
        if n:
            print(f"{name:<22} " + " ".join(f"{used.get(g, 0) / n:>9.3f}" for g, _ in columns)
                  + f" {sum(used.values()) / n:>7.3f}")


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
