#!/usr/bin/python3
"""The Python client's benchmark: Hyperlab's study.optimize against Optuna 3.1's, and the client's latencies.

One command (Debian's python3: python3-grpcio and python3-optuna are installed for it, not for a pyenv or
venv python3 on PATH):

    /usr/bin/python3 tools/bench/python/client_bench.py --build-dir build [--trials 2000] [--procs 8]
        [--format table|json] [--no-optuna]

Every Hyperlab figure is against a real hyperlab-coordinator subprocess (hyperlab.local) on loopback whose
journal is a fresh directory on disk (durable: RocksDB, every write synced), with a random-search study
whose task is `client`. It measures:
  optimize      study.optimize over --trials trials of a trivial objective (x^2), n_jobs=1: wall time and
                trials/s; beside it Optuna 3.1's study.optimize with RandomSampler (the same search) on SQLite
                storage (a file in the same directory kind) and on in-memory storage.
  round trip    --samples sequential ask() + complete() pairs: p50, p90, p99 (ms).
  8 processes   --procs client processes, each optimize(n_jobs=1) on one shared study until it is spent:
                trials/s over the whole run (first ask to last complete).
  report        --epochs trial.report(step, loss=...) calls in one trial: mean and p50 per call (ms).
The issue's targets (round trip p50 <= 2 ms, 8 processes >= 2,000 trials/s, report < 1 ms) are printed with
each figure. Optuna is benchmark-only: when `import optuna` fails, the script installs python3-optuna with
apt-get if run as root, else says how and measures Hyperlab alone.
"""
import argparse
import json
import multiprocessing
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))


def percentile(values, q):
    values = sorted(values)
    if not values:
        return float("nan")
    k = (len(values) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def cpu_model():
    with open("/proc/cpuinfo") as f:
        text = f.read()
    model = re.search(r"model name\s*:\s*(.*)", text)
    return {"model": model.group(1) if model else platform.processor(),
            "cores": os.cpu_count(),
            "avx512": sorted(set(re.findall(r"\bavx512[a-z0-9_]*", text)))}


def filesystem_of(path):
    """The file system type holding `path` (from /proc/mounts; the longest matching mount point)."""
    best, kind = "", "?"
    with open("/proc/mounts") as f:
        for line in f:
            fields = line.split()
            mount, fs = fields[1], fields[2]
            if (path == mount or path.startswith(mount.rstrip("/") + "/")) and len(mount) > len(best):
                best, kind = mount, fs
    return kind


def spec(name, trials, parallel):
    return {"name": name, "objective": {"metric": "value", "goal": "minimize"},
            "parameters": [{"name": "x", "double": {"min": -10, "max": 10}}],
            "algorithm": {"random": {"seed": 1}},
            "budget": {"max_trials": trials, "max_parallel": parallel},
            "task": {"client": {"experiment": f"bench-{name}"}}}


def objective(trial):
    return trial.params["x"] ** 2


def ensure_optuna():
    import importlib
    try:
        importlib.import_module("optuna")
        return True, None
    except ImportError:
        pass
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("client_bench: installing python3-optuna (benchmark-only peer) with apt-get", file=sys.stderr)
        result = subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", "python3-optuna"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
        if result.returncode == 0:
            importlib.invalidate_caches()
            try:
                importlib.import_module("optuna")
                return True, None
            except ImportError as e:
                return False, f"installed python3-optuna but cannot import it: {e}"
        return False, f"apt-get install python3-optuna failed: {result.stderr.strip()[-300:]}"
    return False, "python3-optuna is not installed: run `sudo apt-get install python3-optuna` (benchmark only)"


# --- Hyperlab ----------------------------------------------------------------------------------------
def bench_optimize(hyperlab, client, trials):
    study = client.create_study(spec("bench-optimize", trials, 1))
    start = time.perf_counter()
    study.optimize(objective)
    seconds = time.perf_counter() - start
    done = study.refresh().info.counts.succeeded
    assert done == trials, f"{done} of {trials} trials succeeded"
    return {"trials": trials, "seconds": seconds, "trials_per_s": trials / seconds}


def bench_round_trip(client, samples):
    study = client.create_study(spec("bench-round-trip", samples + 50, 1))
    times = []
    for i in range(samples + 50):
        start = time.perf_counter()
        trial = study.ask()
        trial.complete(trial.params["x"] ** 2)
        if i >= 50:  # warm-up: the channel, the first suggestions
            times.append((time.perf_counter() - start) * 1000)
    ask_only = []
    study2 = client.create_study(spec("bench-ask", 500, 1))
    for _ in range(500):
        start = time.perf_counter()
        trial = study2.ask()
        ask_only.append((time.perf_counter() - start) * 1000)
        trial.complete(1.0)
    return {"samples": samples, "p50_ms": percentile(times, 0.5), "p90_ms": percentile(times, 0.9),
            "p99_ms": percentile(times, 0.99), "ask_p50_ms": percentile(ask_only, 0.5)}


def bench_report(client, epochs):
    study = client.create_study(spec("bench-report", 1, 1))
    trial = study.ask()
    times = []
    for step in range(epochs):
        start = time.perf_counter()
        trial.report(step, loss=1.0 / (step + 1), accuracy=step / epochs)
        times.append((time.perf_counter() - start) * 1000)
    trial.complete(0.5)
    return {"epochs": epochs, "mean_ms": statistics.fmean(times), "p50_ms": percentile(times, 0.5),
            "p99_ms": percentile(times, 0.99)}


def _process_worker(args):
    package_dir, address, name, ready, go, out = args
    sys.path.insert(0, package_dir)
    import hyperlab
    with hyperlab.Client(address) as client:
        study = client.get_study(name)
        ready.release()
        go.wait()
        count = [0]

        def counted(trial):
            count[0] += 1
            return trial.params["x"] ** 2

        cpu = time.process_time()
        study.optimize(counted)
        out.put((count[0], time.perf_counter(), time.process_time() - cpu))


def process_cpu_seconds(pid):
    """User + system CPU seconds of a process so far (/proc/PID/stat)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def bench_processes(client, package_dir, procs, trials):
    name = "bench-processes"
    client.create_study(spec(name, trials, procs * 8))
    ctx = multiprocessing.get_context("spawn")
    ready, go, out = ctx.Semaphore(0), ctx.Event(), ctx.Queue()
    workers = [ctx.Process(target=_process_worker, args=((package_dir, client.target, name, ready, go, out),))
               for _ in range(procs)]
    for w in workers:
        w.start()
    for _ in workers:
        ready.acquire(timeout=60)
    coordinator_cpu = process_cpu_seconds(client.process.pid)
    start = time.perf_counter()
    go.set()
    results = [out.get(timeout=600) for _ in workers]
    coordinator_cpu = process_cpu_seconds(client.process.pid) - coordinator_cpu
    for w in workers:
        w.join(timeout=30)
    end = max(t for _, t, _ in results)
    ran = sum(c for c, _, _ in results)
    assert ran == trials, f"the processes ran {ran} trials of {trials}"
    seconds = end - start
    client_cpu = sum(c for _, _, c in results)
    return {"procs": procs, "trials": trials, "seconds": seconds, "trials_per_s": trials / seconds,
            "per_process": sorted(c for c, _, _ in results),
            "client_cpu_ms_per_trial": 1000 * client_cpu / trials,
            "coordinator_cpu_ms_per_trial": 1000 * coordinator_cpu / trials,
            "cpu_share": (client_cpu + coordinator_cpu) / seconds}


# --- Optuna -------------------------------------------------------------------------------------------
def bench_optuna(trials, storage):
    import optuna
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    study = optuna.create_study(storage=storage, sampler=optuna.samplers.RandomSampler(seed=1),
                                direction="minimize")
    start = time.perf_counter()
    study.optimize(lambda t: t.suggest_float("x", -10, 10) ** 2, n_trials=trials)
    seconds = time.perf_counter() - start
    return {"trials": trials, "seconds": seconds, "trials_per_s": trials / seconds,
            "version": optuna.__version__}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build-dir", default=os.path.join(REPO, "build"))
    parser.add_argument("--trials", type=int, default=2000, help="trials of the optimize comparison")
    parser.add_argument("--samples", type=int, default=1000, help="ask+complete round trips timed")
    parser.add_argument("--procs", type=int, default=8, help="client processes on one study")
    parser.add_argument("--proc-trials", type=int, default=8000, help="trials the processes share")
    parser.add_argument("--epochs", type=int, default=2000, help="report() calls timed")
    parser.add_argument("--format", choices=("table", "json"), default="table")
    parser.add_argument("--no-optuna", action="store_true", help="measure Hyperlab alone")
    parser.add_argument("--keep", action="store_true", help="keep the data directory (printed)")
    parser.add_argument("--dir", default=os.environ.get("BENCH_DIR"),
                        help="where the journal and the SQLite file go (default: the temp dir); /dev/shm (tmpfs) "
                             "takes the disk's sync out of the figures")
    args = parser.parse_args()

    package_dir = os.path.join(os.path.abspath(args.build_dir), "tools", "python")
    sys.path.insert(0, package_dir)
    import hyperlab
    binary = os.path.join(os.path.abspath(args.build_dir), "coordinator", "hyperlab-coordinator")
    tmp = tempfile.mkdtemp(prefix="hyperlab-client-bench-", dir=args.dir)
    results = {"cpu": cpu_model(), "python": platform.python_version(), "data_dir": tmp,
               "data_dir_fs": filesystem_of(tmp), "load_average_before": os.getloadavg()[0]}
    try:
        with hyperlab.local(os.path.join(tmp, "journal"), coordinator_binary=binary) as client:
            results["hyperlab_optimize"] = bench_optimize(hyperlab, client, args.trials)
            results["round_trip"] = bench_round_trip(client, args.samples)
            results["report"] = bench_report(client, args.epochs)
            results["processes"] = bench_processes(client, package_dir, args.procs, args.proc_trials)
        if not args.no_optuna:
            ok, why = ensure_optuna()
            if ok:
                results["optuna_sqlite"] = bench_optuna(args.trials, f"sqlite:///{os.path.join(tmp, 'optuna.db')}")
                results["optuna_memory"] = bench_optuna(args.trials, None)
            else:
                results["optuna_skipped"] = why
                print(f"client_bench: Optuna skipped: {why}", file=sys.stderr)
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)

    results["load_average_after"] = os.getloadavg()[0]
    if args.format == "json":
        print(json.dumps(results, indent=2))
        return
    print_table(results, args)


def print_table(r, args):
    cpu = r["cpu"]
    print(f"CPU: {cpu['model']}, {cpu['cores']} cores, AVX-512: {', '.join(cpu['avx512']) or 'no'}; "
          f"Python {r['python']}")
    print(f"journal and SQLite file on {r['data_dir_fs']} ({os.path.dirname(r['data_dir'])}); load average "
          f"{r['load_average_before']:.1f} before, {r['load_average_after']:.1f} after")
    print()
    print(f"study.optimize over {args.trials} trials of x^2 (random search, n_jobs=1)")
    print(f"  {'system':<44} {'seconds':>8} {'trials/s':>9}")
    rows = [("Hyperlab client, local coordinator (durable)", r["hyperlab_optimize"])]
    if "optuna_sqlite" in r:
        v = r["optuna_sqlite"]["version"]
        rows += [(f"Optuna {v}, SQLite storage", r["optuna_sqlite"]), (f"Optuna {v}, in-memory", r["optuna_memory"])]
    for label, row in rows:
        print(f"  {label:<44} {row['seconds']:>8.2f} {row['trials_per_s']:>9.0f}")
    if "optuna_skipped" in r:
        print(f"  (Optuna skipped: {r['optuna_skipped']})")
    print()
    rt, rep, pr = r["round_trip"], r["report"], r["processes"]
    print(f"  {'measure':<44} {'value':>12} {'target':>12}  verdict")

    def line(label, value, unit, target, ok):
        print(f"  {label:<44} {value:>9.3f} {unit:<2} {target:>12}  {'met' if ok else 'MISSED'}")

    line("ask + complete round trip, p50", rt["p50_ms"], "ms", "<= 2 ms", rt["p50_ms"] <= 2)
    print(f"  {'  (p90 / p99 / ask alone p50, ms)':<44} {rt['p90_ms']:.3f} / {rt['p99_ms']:.3f} / "
          f"{rt['ask_p50_ms']:.3f}")
    line(f"{pr['procs']} client processes, one study", pr["trials_per_s"], "/s", ">= 2000/s",
         pr["trials_per_s"] >= 2000)
    print(f"  {'  (CPU per trial: clients / coordinator, ms)':<44} {pr['client_cpu_ms_per_trial']:.3f} / "
          f"{pr['coordinator_cpu_ms_per_trial']:.3f}; cores used {pr['cpu_share']:.2f} of {cpu['cores']}")
    line("report() per epoch, mean", rep["mean_ms"], "ms", "< 1 ms", rep["mean_ms"] < 1)
    print(f"  {'  (p50 / p99, ms)':<44} {rep['p50_ms']:.3f} / {rep['p99_ms']:.3f}")


if __name__ == "__main__":
    main()
