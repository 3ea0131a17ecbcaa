"""Multi-host test on one machine: network namespaces as hosts, joined by veth pairs to a bridge.

  host "c" (10.77.0.1): hyperlab-coordinator          host "a" (10.77.0.2): hyperlab-worker --id host-a
  host "b" (10.77.0.3): hyperlab-worker --id host-b    switch: a bridge in its own namespace

With --security on (TLS with client certificates, and bearer tokens with roles; a CA made here with openssl):
 1. a study completes, its trials spread over both worker hosts;
 2. a second study runs; while host-a runs trials, host-a's link is cut (`ip link set ... down` on its switch
    port); its trials are re-leased to host-b after the lease expires and the study completes with exactly its
    budget; after the link is restored, host-a's late completions change nothing (fencing).
--security auto (the default-suite variant) uses TLS and tokens when the binaries accept the flags, and says
so when it runs without; --security required fails when they do not; --security none never uses them.
Needs root and `ip netns`: otherwise it prints SKIPPED with the reason and exits 77.

  sudo python3 tests/deploy/netns_test.py --bin-dir build --source-dir . --security required
"""
import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

SKIP = 77
SUBNET = "10.77.0"
PORT = 7411

STUDY_SPREAD = """
name: netns-spread
objective: {metric: value, goal: minimize}
parameters:
  - {name: x1, double: {min: -5, max: 10}}
  - {name: x2, double: {min: 0, max: 15}}
algorithm: {random: {seed: 3}}
budget: {max_trials: 12, max_parallel: 4}
task: {synthetic: {function: branin, delay_seconds: 0.3}}
"""

STUDY_CUT = """
name: netns-cut
objective: {metric: value, goal: minimize}
parameters:
  - {name: x1, double: {min: -5, max: 10}}
  - {name: x2, double: {min: 0, max: 15}}
algorithm: {random: {seed: 4}}
budget: {max_trials: 10, max_parallel: 4}
task: {synthetic: {function: branin, delay_seconds: 2.0}}
"""


def log(msg):
    print(f"netns_test: {msg}", flush=True)


def sh(*argv, check=True):
    r = subprocess.run(argv, capture_output=True, text=True)
    if check and r.returncode != 0:
        raise AssertionError(f"{' '.join(argv)} exited {r.returncode}: {r.stderr.strip()}")
    return r


def help_flags(exe):
    out = subprocess.run([exe, "--help"], capture_output=True, text=True).stdout
    return set(re.findall(r"^\s+(?:-\w,)?(--[a-z0-9][a-z0-9-]*)", out, re.M))


class Net:
    """Namespaces <p>s (switch with bridge br0), <p>c, <p>a, <p>b; host X's veth is vX, its switch port pX."""

    def __init__(self):
        self.p = f"hl{os.getpid() % 100000}"
        self.ns = {}
        self.created = []

    def port(self, host):
        return f"{self.p}p{host}"

    def setup(self):
        sw = self.p + "s"
        sh("ip", "netns", "add", sw)
        self.created.append(sw)
        sh("ip", "-n", sw, "link", "add", "br0", "type", "bridge")
        sh("ip", "-n", sw, "link", "set", "br0", "up")
        for i, host in enumerate(["c", "a", "b"], start=1):
            ns = self.p + host
            sh("ip", "netns", "add", ns)
            self.created.append(ns)
            self.ns[host] = ns
            veth, port = f"{self.p}v{host}", self.port(host)
            sh("ip", "link", "add", veth, "type", "veth", "peer", "name", port)
            sh("ip", "link", "set", veth, "netns", ns)
            sh("ip", "link", "set", port, "netns", sw)
            sh("ip", "-n", sw, "link", "set", port, "master", "br0")
            sh("ip", "-n", sw, "link", "set", port, "up")
            sh("ip", "-n", ns, "link", "set", "lo", "up")
            sh("ip", "-n", ns, "addr", "add", f"{SUBNET}.{i}/24", "dev", veth)
            sh("ip", "-n", ns, "link", "set", veth, "up")
        self.switch = sw

    def link(self, host, state):
        sh("ip", "-n", self.switch, "link", "set", self.port(host), state)

    def teardown(self):
        for ns in reversed(self.created):
            sh("ip", "netns", "del", ns, check=False)


def make_pki(d):
    """A CA, the coordinator's certificate (SAN IP 10.77.0.1), and client certificates for workers and CLI."""
    def run(*a):
        sh("openssl", *a)
    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{d}/ca.key", "-out", f"{d}/ca.crt",
        "-days", "2", "-subj", "/CN=hyperlab-test-ca", "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    for name, san, usage in [("coordinator", f"IP:{SUBNET}.1,DNS:localhost,IP:127.0.0.1", "serverAuth"),
                             ("host-a", "DNS:host-a", "clientAuth"), ("host-b", "DNS:host-b", "clientAuth"),
                             ("client", "DNS:client", "clientAuth")]:
        run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{d}/{name}.key", "-out", f"{d}/{name}.csr",
            "-subj", f"/CN={name}")
        with open(f"{d}/{name}.ext", "w") as f:
            f.write(f"subjectAltName={san}\nextendedKeyUsage={usage}\n")
        run("x509", "-req", "-in", f"{d}/{name}.csr", "-CA", f"{d}/ca.crt", "-CAkey", f"{d}/ca.key",
            "-CAcreateserial", "-out", f"{d}/{name}.crt", "-days", "2", "-extfile", f"{d}/{name}.ext")


class Cluster:
    def __init__(self, args, net, tmp, secure):
        self.bin = args.bin_dir
        self.src = args.source_dir
        self.net = net
        self.tmp = tmp
        self.secure = secure
        self.address = f"{SUBNET}.1:{PORT}"
        self.procs = []
        self.logs = []
        if secure:
            make_pki(tmp)
            self.tokens = {"admin": os.urandom(24).hex(), "worker": os.urandom(24).hex()}
            with open(f"{tmp}/tokens", "w") as f:
                f.write(f"{self.tokens['admin']} admin operator\n{self.tokens['worker']} worker workers\n")
            os.chmod(f"{tmp}/tokens", 0o600)  # The coordinator refuses token files others may read.

    def exe(self, rel):
        return os.path.join(self.bin, rel)

    def spawn(self, host, name, argv, env=None):
        path = os.path.join(self.tmp, f"{name}.log")
        self.logs.append(path)
        e = dict(os.environ)
        e.pop("HYPERLAB_TOKEN", None)
        e.update(env or {})
        p = subprocess.Popen(["ip", "netns", "exec", self.net.ns[host], *argv], stdout=open(path, "ab"),
                             stderr=subprocess.STDOUT, env=e, cwd=self.src)
        self.procs.append(p)
        return p

    def start_coordinator(self, lease_seconds):
        argv = [self.exe("coordinator/hyperlab-coordinator"), "--listen", self.address,
                "--data-dir", os.path.join(self.tmp, "journal"), "--lease-seconds", str(lease_seconds)]
        if self.secure:
            t = self.tmp
            argv += ["--tls-cert", f"{t}/coordinator.crt", "--tls-key", f"{t}/coordinator.key",
                     "--tls-client-ca", f"{t}/ca.crt", "--auth-tokens", f"{t}/tokens"]
        elif "--insecure-allow-remote" in help_flags(self.exe("coordinator/hyperlab-coordinator")):
            argv += ["--insecure-allow-remote"]
        self.coordinator = self.spawn("c", "coordinator", argv)
        deadline = time.time() + 20
        while time.time() < deadline:
            if self.coordinator.poll() is not None:
                raise AssertionError(f"coordinator exited {self.coordinator.returncode}")
            if self.cli("study", "list", check=False).returncode == 0:
                return
            time.sleep(0.2)
        raise AssertionError("coordinator not answering after 20 s")

    def start_worker(self, host, slots):
        wid = f"host-{host}"
        argv = [self.exe("worker/hyperlab-worker"), "--coordinator", self.address, "--slots", str(slots),
                "--id", wid]
        env = {}
        if self.secure:
            t = self.tmp
            argv += ["--tls-ca", f"{t}/ca.crt", "--tls-cert", f"{t}/{wid}.crt", "--tls-key", f"{t}/{wid}.key"]
            env["HYPERLAB_TOKEN"] = self.tokens["worker"]
        return self.spawn(host, wid, argv, env)

    def cli(self, *argv, check=True, token=True, tls=True, timeout=120):
        cmd = ["ip", "netns", "exec", self.net.ns["c"], self.exe("tools/hyperlab"), "--coordinator", self.address,
               "--timeout", "5"]
        if self.secure and tls:
            t = self.tmp
            cmd += ["--tls-ca", f"{t}/ca.crt", "--tls-cert", f"{t}/client.crt", "--tls-key", f"{t}/client.key"]
        if self.secure and token:
            cmd += ["--token", self.tokens["admin"]]
        r = subprocess.run(cmd + list(argv), capture_output=True, text=True, timeout=timeout, cwd=self.src)
        if check and r.returncode != 0:
            raise AssertionError(f"hyperlab {' '.join(argv)} exited {r.returncode}: {r.stderr.strip()}")
        return r

    def trials(self, study):
        return json.loads(self.cli("trials", study, "--format", "json").stdout)

    def submit(self, text, name):
        path = os.path.join(self.tmp, f"{name}.yaml")
        with open(path, "w") as f:
            f.write(text)
        return self.cli("study", "submit", path).stdout.strip().splitlines()[-1]

    def stop(self):
        for p in self.procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in self.procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()

    def dump_logs(self):
        for path in self.logs:
            with open(path, errors="replace") as f:
                sys.stderr.write(f"----- {path} (last 2500 chars)\n{f.read()[-2500:]}\n")


def wait_until(pred, timeout, what):
    deadline = time.time() + timeout
    while time.time() < deadline:
        v = pred()
        if v:
            return v
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def scenario(c):
    c.start_coordinator(lease_seconds=3)
    if c.secure:
        r = c.cli("study", "list", check=False, token=False)
        assert r.returncode != 0 and "UNAUTHENTICATED" in (r.stdout + r.stderr), \
            f"a call without a token was not refused with UNAUTHENTICATED: {r.returncode} {r.stderr.strip()}"
        r = c.cli("study", "list", check=False, tls=False)
        assert r.returncode != 0, "a plaintext call to the TLS port succeeded"
        log("refused: a call without a token (UNAUTHENTICATED) and a plaintext call")
    c.start_worker("a", slots=2)
    c.start_worker("b", slots=2)

    # 1. A study completes across both hosts.
    s1 = c.submit(STUDY_SPREAD, "spread")
    c.cli("study", "wait", s1, "--max-wait", "120")
    t1 = c.trials(s1)
    assert len(t1) == 12 and all(t["state"] == "SUCCEEDED" for t in t1), t1
    per_host = {h: sum(1 for t in t1 if t["worker"] == h) for h in ("host-a", "host-b")}
    assert all(per_host.values()), f"a worker host ran nothing: {per_host}"
    log(f"study 1 {s1}: 12/12 SUCCEEDED, by host {per_host}")

    # 2. Cut host-a while it runs trials.
    s2 = c.submit(STUDY_CUT, "cut")

    def running_on_a():
        return [t for t in c.trials(s2) if t["state"] == "RUNNING" and t["worker"] == "host-a"]

    before = wait_until(lambda: len(running_on_a()) == 2 and running_on_a(), 30, "2 trials running on host-a")
    c.net.link("a", "down")
    cut_at = time.time()
    log(f"study 2 {s2}: cut host-a's link while it ran trials {sorted(t['id'] for t in before)}")
    c.cli("study", "wait", s2, "--max-wait", "120")
    log(f"study 2 completed {time.time() - cut_at:.1f} s after the cut")
    t2 = c.trials(s2)
    assert len(t2) == 10, f"{len(t2)} trials, expected exactly the budget of 10"
    assert all(t["state"] == "SUCCEEDED" for t in t2), t2
    by_id = {t["id"]: t for t in t2}
    released = [t for t in t2 if t["attempt"] >= 2]
    for t in before:
        final = by_id[t["id"]]
        # A trial could finish in the instant between the listing and the cut; every other one was re-leased.
        assert final["worker"] == "host-b" and final["attempt"] >= 2 or final["worker"] == "host-a", final
    assert released, "no trial was re-leased after the cut"
    assert all(t["worker"] == "host-b" for t in released), released
    log(f"study 2: 10/10 SUCCEEDED; re-leased to host-b after the cut: "
        f"{sorted((t['id'], t['attempt']) for t in released)}")

    # 3. Restore the link: host-a's late reports are fenced off; nothing changes.
    c.net.link("a", "up")
    time.sleep(6)
    after = c.trials(s2)
    assert [(t["id"], t["state"], t["worker"], t["attempt"]) for t in after] == \
        [(t["id"], t["state"], t["worker"], t["attempt"]) for t in t2], "trials changed after the link came back"
    log("link restored: host-a's late completions changed nothing (10 trials, same workers and attempts)")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin-dir", required=True)
    ap.add_argument("--source-dir", required=True)
    ap.add_argument("--security", choices=["auto", "required", "none"], default="auto")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = ap.parse_args()
    args.bin_dir = os.path.abspath(args.bin_dir)
    args.source_dir = os.path.abspath(args.source_dir)

    if os.geteuid() != 0:
        print("netns_test: SKIPPED: needs root to create network namespaces")
        return SKIP
    for tool in ("ip", "openssl"):
        if not shutil.which(tool):
            print(f"netns_test: SKIPPED: `{tool}` not found (iproute2, openssl)")
            return SKIP
    probe = f"hlprobe{os.getpid() % 100000}"
    r = sh("ip", "netns", "add", probe, check=False)
    if r.returncode != 0:
        print(f"netns_test: SKIPPED: cannot create a network namespace: {r.stderr.strip()}")
        return SKIP
    r = sh("ip", "-n", probe, "link", "add", "br0", "type", "bridge", check=False)
    sh("ip", "netns", "del", probe, check=False)
    if r.returncode != 0:
        print(f"netns_test: SKIPPED: cannot create a bridge in a namespace: {r.stderr.strip()}")
        return SKIP

    flags = help_flags(os.path.join(args.bin_dir, "coordinator/hyperlab-coordinator")) | \
        help_flags(os.path.join(args.bin_dir, "worker/hyperlab-worker")) | \
        help_flags(os.path.join(args.bin_dir, "tools/hyperlab"))
    needed = {"--tls-cert", "--tls-key", "--tls-client-ca", "--auth-tokens", "--tls-ca", "--token"}
    missing = sorted(needed - flags)
    if args.security == "none":
        secure = False
    elif missing:
        if args.security == "required":
            print(f"netns_test: FAILED: the binaries do not accept {' '.join(missing)} (needed for TLS + tokens)")
            return 1
        log(f"NOTE: running WITHOUT TLS and tokens: the binaries do not accept {' '.join(missing)}")
        secure = False
    else:
        secure = True
    log(f"security: {'TLS with client certificates + tokens' if secure else 'none (plaintext, no tokens)'}")

    tmp = tempfile.mkdtemp(prefix="hyperlab-netns-")
    net = Net()
    cluster = None
    ok = False
    try:
        net.setup()
        log(f"hosts: {net.ns['c']} {SUBNET}.1 (coordinator), {net.ns['a']} {SUBNET}.2 (host-a), "
            f"{net.ns['b']} {SUBNET}.3 (host-b), bridge in {net.switch}")
        cluster = Cluster(args, net, tmp, secure)
        scenario(cluster)
        ok = True
    except BaseException:
        import traceback
        traceback.print_exc()
        if cluster:
            cluster.dump_logs()
    finally:
        if cluster:
            cluster.stop()
        net.teardown()
        if ok and not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"netns_test: {'PASSED' if ok else 'FAILED'} (security: {'tls+tokens' if secure else 'none'})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
