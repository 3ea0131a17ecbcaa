"""Security and operability end to end: a coordinator with bearer tokens, mutual TLS (a CA made here with
openssl) and a Prometheus endpoint; two workers that authenticate with a worker token and a client
certificate but were not given --allow-command; the hyperlab CLI with each role.

Checks: a command study is refused by both workers with the reason, the submitter is warned, and the
study reports why it failed; a synthetic study completes; `admin status --format json` shows both workers
and the build; each role gets UNAUTHENTICATED / PERMISSION_DENIED with a hint where it must; a client
trusting another CA is refused; GET /metrics carries the series; tokens never reach the logs; without
tokens the coordinator refuses a non-loopback address. With --print, prints the status JSON, the metrics
and the refusal as the CLI shows them (for the closing note of the work).
"""
import json
import os
import shutil
import subprocess
import time
import urllib.request

import harness

ADMIN = "admin-token-" + "a" * 20
SUBMIT = "submit-token-" + "b" * 20
READ = "read-token-" + "c" * 20
WORKER = "worker-token-" + "d" * 20


def openssl(*argv, cwd):
    subprocess.run(["openssl", *argv], cwd=cwd, check=True, capture_output=True)


def make_cert(tmp, name, ca=None, san=None):
    openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-out", f"{name}.key", cwd=tmp)
    if ca is None:
        openssl("req", "-x509", "-new", "-key", f"{name}.key", "-out", f"{name}.pem", "-days", "2", "-subj",
                f"/CN={name}", cwd=tmp)
        return
    with open(os.path.join(tmp, f"{name}.ext"), "w") as f:
        f.write(f"subjectAltName={san}\n")
    openssl("req", "-new", "-key", f"{name}.key", "-out", f"{name}.csr", "-subj", f"/CN={name}", cwd=tmp)
    openssl("x509", "-req", "-in", f"{name}.csr", "-CA", f"{ca}.pem", "-CAkey", f"{ca}.key", "-CAcreateserial",
            "-out", f"{name}.pem", "-days", "2", "-extfile", f"{name}.ext", cwd=tmp)


def extra_args(parser):
    parser.add_argument("--print", action="store_true", help="print the figures for the closing note")


def test(cluster, args):
    if shutil.which("openssl") is None:
        print("security_test: SKIPPED: the openssl command is not installed (apt-get install openssl)")
        return
    tmp = cluster.tmp
    pki = os.path.join(tmp, "pki")
    os.makedirs(pki)
    make_cert(pki, "ca")
    make_cert(pki, "other-ca")
    make_cert(pki, "server", "ca", "DNS:localhost,IP:127.0.0.1")
    make_cert(pki, "client", "ca", "DNS:client")
    p = lambda name: os.path.join(pki, name)
    tokens = os.path.join(tmp, "tokens")
    with open(tokens, "w") as f:
        f.write(f"# role tokens\n{ADMIN} admin ops\n{SUBMIT} submit ci\n{READ} read dash\n{WORKER} worker fleet\n")
    os.chmod(tokens, 0o600)  # Token files must be the owner's only.
    metrics_port = harness.free_port()
    cluster.start_coordinator(extra=["--auth-tokens", tokens, "--tls-cert", p("server.pem"), "--tls-key",
                                     p("server.key"), "--tls-client-ca", p("ca.pem"),
                                     "--metrics-listen", f"127.0.0.1:{metrics_port}"])
    tls = ["--tls-ca", p("ca.pem"), "--tls-cert", p("client.pem"), "--tls-key", p("client.key")]
    for name in ("w-a", "w-b"):
        cluster.start_worker(slots=2, worker_id=name, allow_commands=(), extra=["--token", WORKER, *tls])

    def cli(*argv, token=ADMIN, tls_args=tls, check=True):
        exe = os.path.join(cluster.bin, "tools", "hyperlab")
        env = dict(os.environ)
        env.pop("HYPERLAB_TOKEN", None)
        if token:
            env["HYPERLAB_TOKEN"] = token
        result = subprocess.run([exe, "--coordinator", cluster.address, *tls_args, *argv], capture_output=True,
                                text=True, timeout=120, cwd=cluster.src, env=env)
        if check and result.returncode != 0:
            raise AssertionError(f"hyperlab {' '.join(argv)} exited {result.returncode}: {result.stderr}")
        return result

    harness.wait_until(lambda: json.loads(cli("admin", "status", "--format", "json").stdout).get("workers") == 2,
                       20, "two workers registered")

    # A command study on workers without --allow-command: warned at submit; its trials wait (none is sent
    # to a worker that cannot run it) and `study show` says why.
    submitted = cli("study", "submit", os.path.join(cluster.src, "examples/command-quadratic.yaml"), token=SUBMIT)
    assert "no registered worker (of 2) may run the command 'python3'" in submitted.stderr, submitted.stderr
    command_id = submitted.stdout.strip().splitlines()[-1]
    time.sleep(1.5)
    shown = json.loads(cli("study", "show", command_id, "--format", "json", token=READ).stdout)
    assert shown["state"] == "ACTIVE" and shown["counts"]["failed"] == 0, shown
    assert "--allow-command PATH" in shown["waiting"], shown
    cli("study", "cancel", command_id, token=SUBMIT)

    # A synthetic study runs to completion on the same workers.
    synthetic_id = cli("study", "submit", os.path.join(cluster.src, "examples/branin-grid.yaml"),
                       token=SUBMIT).stdout.strip().splitlines()[-1]
    cli("study", "wait", synthetic_id, "--max-wait", "120", token=READ)

    status_text = cli("admin", "status", "--format", "json", token=READ).stdout
    status = json.loads(status_text)
    assert status["workers"] == 2, status
    assert {w["info"]["id"] for w in status["worker_status"]} == {"w-a", "w-b"}, status
    assert status["auth_enabled"] and status["tls_enabled"], status
    assert status["build"]["version"], status
    assert int(status["storage"]["trials"]) > 0, status

    # Roles and refusal codes as the CLI prints them.
    none = cli("study", "list", token=None, check=False)
    assert none.returncode == 1 and "hyperlab: UNAUTHENTICATED:" in none.stderr and "hint" in none.stderr, none
    wrong = cli("study", "list", token="no-such-token-" + "x" * 10, check=False)
    assert "UNAUTHENTICATED" in wrong.stderr and "no-such-token" not in wrong.stderr, wrong
    denied = cli("study", "cancel", synthetic_id, token=READ, check=False)
    assert denied.returncode == 1 and "hyperlab: PERMISSION_DENIED:" in denied.stderr, denied
    assert "needs role 'submit'" in denied.stderr and "hint" in denied.stderr, denied
    assert "PERMISSION_DENIED" in cli("study", "list", token=WORKER, check=False).stderr
    assert "PERMISSION_DENIED" in cli("admin", "drain", "w-a", token=SUBMIT, check=False).stderr
    cli("study", "list", token=READ)

    # TLS: a client trusting another CA, or speaking plaintext, does not get in.
    other = cli("study", "list", tls_args=["--tls-ca", p("other-ca.pem"), "--tls-cert", p("client.pem"),
                                           "--tls-key", p("client.key")], check=False)
    assert other.returncode == 1 and "UNAVAILABLE" in other.stderr, other
    plain = cli("study", "list", tls_args=[], check=False)
    assert plain.returncode == 1 and "UNAVAILABLE" in plain.stderr, plain

    # Admin operations through the CLI.
    assert "drained" in cli("admin", "drain", "w-a").stdout
    workers = json.loads(cli("admin", "workers", "--format", "json").stdout)["workers"]
    assert [w.get("draining", False) for w in workers if w["info"]["id"] == "w-a"] == [True], workers
    cli("admin", "undrain", "w-a")
    storage = json.loads(cli("admin", "storage", "--format", "json").stdout)
    assert int(storage["disk_bytes"]) > 0 and int(storage["studies"]) == 2, storage

    # Metrics over HTTP.
    with urllib.request.urlopen(f"http://127.0.0.1:{metrics_port}/metrics", timeout=10) as response:
        metrics = response.read().decode()
    for series in ('hyperlab_trials{state="SUCCEEDED"}', 'hyperlab_trials{state="FAILED"}',
                   "hyperlab_lease_expiries_total", "hyperlab_queue_depth",
                   'hyperlab_rpc_duration_seconds_bucket{method="/hyperlab.v1.WorkerService/AcquireTrials",le=',
                   "hyperlab_journal_write_seconds_count", "hyperlab_suggest_seconds_count",
                   'hyperlab_auth_refused_total{code="PERMISSION_DENIED"}'):
        assert series in metrics, series

    if args.print:
        print("=== hyperlab admin status --format json")
        print(status_text)
        print("=== curl metrics")
        print(metrics)
        print("=== refusal as the CLI shows it:")
        print(waited.stderr)
        print(json.dumps(failed[0], indent=1))

    cluster.stop()
    with open(os.path.join(tmp, "coordinator.log")) as f:
        log = f.read()
    for token in (ADMIN, SUBMIT, READ, WORKER):
        assert token not in log, "a token reached the coordinator log"
    assert "event=auth_refused" in log and "event=trial_completed" in log and "worker=w-" in log, log[-2000:]

    # Without tokens, a non-loopback address is refused.
    exe = os.path.join(cluster.bin, "coordinator", "hyperlab-coordinator")
    refused = subprocess.run([exe, "--listen", f"0.0.0.0:{harness.free_port()}", "--data-dir",
                              os.path.join(tmp, "open")], capture_output=True, text=True, timeout=30)
    assert refused.returncode == 2 and "--insecure-allow-remote" in refused.stderr, refused


if __name__ == "__main__":
    harness.run(test, "security_test", extra_args)
