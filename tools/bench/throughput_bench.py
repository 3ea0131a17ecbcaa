#!/usr/bin/env python3
"""Whole-system throughput: completed, durable trials per second, beside Optuna 3.1 in the same command.

Hyperlab: a real hyperlab-coordinator (synced RocksDB journal, gRPC on loopback) and real hyperlab-worker
processes run a random-search study on the synthetic Branin objective with no delay. The figure is the
study's trial count divided by the time from submit to completion. Then, on the journal the run left
(its trials), the coordinator's resident memory and the time a restarted coordinator takes to answer.

Optuna: a random sampler on a trivial objective, in the same process, with SQLite storage and in memory
(neither is durable per trial over a network, so the comparison flatters Optuna).

  python3 tools/bench/throughput_bench.py --bin-dir build [--trials 100000] [--workers 2] [--slots 64]
      [--format json]
"""
import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def start_coordinator(bin_dir, address, data_dir, log):
    proc = subprocess.Popen([os.path.join(bin_dir, "coordinator", "hyperlab-coordinator"), "--listen", address,
                             "--data-dir", data_dir], stdout=log, stderr=subprocess.STDOUT)
    return proc


def wait_serving(cli, deadline_s=60):
    start = time.time()
    while time.time() - start < deadline_s:
        if subprocess.run(cli + ["admin", "status"], capture_output=True).returncode == 0:
            return time.time() - start
        time.sleep(0.01)
    raise RuntimeError("coordinator did not start")


def hyperlab_run(args, tmp):
    port = free_port()
    address = f"127.0.0.1:{port}"
    data_dir = args.data_dir or os.path.join(tmp, "journal")
    log = open(os.path.join(tmp, "bench.log"), "ab")
    cli = [os.path.join(args.bin_dir, "tools", "hyperlab"), "--coordinator", address]
    coordinator = start_coordinator(args.bin_dir, address, data_dir, log)
    wait_serving(cli)
    workers = [subprocess.Popen([os.path.join(args.bin_dir, "worker", "hyperlab-worker"), "--coordinator", address,
                                 "--slots", str(args.slots), "--quiet"], stdout=log, stderr=subprocess.STDOUT)
               for _ in range(args.workers)]
    study_file = os.path.join(tmp, "throughput.yaml")
    with open(study_file, "w") as f:
        f.write(f"""name: throughput
objective: {{metric: value, goal: minimize}}
parameters:
  - {{name: x1, double: {{min: -5, max: 10}}}}
  - {{name: x2, double: {{min: 0, max: 15}}}}
algorithm: {{random: {{seed: 1}}}}
budget: {{max_trials: {args.trials}, max_parallel: 100000}}
task: {{synthetic: {{function: branin}}}}
""")
    start = time.time()
    subprocess.run(cli + ["study", "submit", study_file], check=True, capture_output=True)
    last = 0
    while True:
        out = subprocess.run(cli + ["study", "show", "throughput", "--format", "json"], capture_output=True, text=True)
        study = json.loads(out.stdout)
        done = study["counts"]["succeeded"]
        if study["state"] != "ACTIVE":
            break
        if done - last >= args.trials // 10:
            last = done
            print(f"  hyperlab: {done}/{args.trials} trials, {done / (time.time() - start):.0f}/s", file=sys.stderr)
        time.sleep(0.2)
    elapsed = time.time() - start
    assert study["state"] == "COMPLETED" and done == args.trials, study
    for w in workers:
        w.send_signal(signal.SIGTERM)
    for w in workers:
        w.wait()
    memory = rss_mb(coordinator.pid)
    coordinator.send_signal(signal.SIGKILL)
    coordinator.wait()
    restart_start = time.time()
    coordinator = start_coordinator(args.bin_dir, address, data_dir, log)
    wait_serving(cli)
    restart = time.time() - restart_start
    memory_after_restart = rss_mb(coordinator.pid)
    coordinator.send_signal(signal.SIGTERM)
    coordinator.wait()
    return {"trials": args.trials, "seconds": elapsed, "trials_per_second": args.trials / elapsed,
            "coordinator_rss_mb": memory, "coordinator_rss_mb_after_restart": memory_after_restart,
            "restart_seconds": restart}


def optuna_run(trials, storage):
    import optuna
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=1), storage=storage)
    start = time.time()
    study.optimize(lambda t: t.suggest_float("x1", -5, 10) + t.suggest_float("x2", 0, 15), n_trials=trials)
    elapsed = time.time() - start
    return {"trials": trials, "seconds": elapsed, "trials_per_second": trials / elapsed}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin-dir", default="build")
    parser.add_argument("--trials", type=int, default=100000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--slots", type=int, default=64)
    parser.add_argument("--optuna-sqlite-trials", type=int, default=500)
    parser.add_argument("--optuna-memory-trials", type=int, default=2000)
    parser.add_argument("--format", choices=["table", "json"], default="table")
    parser.add_argument("--data-dir", help="keep the journal here (a new directory) instead of a temporary one")
    parser.add_argument("--skip-optuna", action="store_true")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="hyperlab-throughput-")
    try:
        ours = hyperlab_run(args, tmp)
        if args.skip_optuna:
            print(json.dumps(ours, indent=2))
            return
        print("  optuna sqlite...", file=sys.stderr)
        sqlite = optuna_run(args.optuna_sqlite_trials, f"sqlite:///{os.path.join(tmp, 'optuna.db')}")
        print("  optuna in memory...", file=sys.stderr)
        memory = optuna_run(args.optuna_memory_trials, None)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    result = {"hyperlab": ours, "optuna_sqlite": sqlite, "optuna_memory": memory,
              "ratio_vs_optuna_sqlite": ours["trials_per_second"] / sqlite["trials_per_second"],
              "ratio_vs_optuna_memory": ours["trials_per_second"] / memory["trials_per_second"]}
    if args.format == "json":
        print(json.dumps(result, indent=2))
        return
    print(f"{'system':<44} {'trials':>8} {'seconds':>9} {'trials/s':>10}")
    for name, r in (("hyperlab (synced RocksDB, gRPC, "
                     f"{args.workers} worker processes)", ours),
                    ("optuna 3.1 random, sqlite", sqlite), ("optuna 3.1 random, in memory", memory)):
        print(f"{name:<44} {r['trials']:>8} {r['seconds']:>9.2f} {r['trials_per_second']:>10.0f}")
    print(f"ratio hyperlab / optuna sqlite: {result['ratio_vs_optuna_sqlite']:.1f}x; "
          f"/ optuna in memory: {result['ratio_vs_optuna_memory']:.2f}x")
    print(f"coordinator with {ours['trials']} trials: RSS {ours['coordinator_rss_mb']:.0f} MB after the run, "
          f"{ours['coordinator_rss_mb_after_restart']:.0f} MB after restart; restart to serving "
          f"{ours['restart_seconds']:.2f} s")


if __name__ == "__main__":
    main()
