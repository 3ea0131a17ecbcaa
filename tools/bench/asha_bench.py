#!/usr/bin/env python3
"""ASHA against the same study without early stopping, over several seeds of the random search.

For each seed it runs examples/fashion-asha.yaml (with the seed and, optionally, other ASHA settings) and
examples/fashion-no-early-stopping.yaml (the same seed: the same 16 settings, each trained to the end) with
`hyperlab run`, each in its own journal, and prints the best dev accuracy and the training epochs of both.

  python3 tools/bench/asha_bench.py --bin-dir build --seeds 2,3,4 [--min-step 1 --reduction-factor 3]
      [--format json]
"""
import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def study_file(source: Path, name: str, seed: int, asha: str | None) -> str:
    text = source.read_text()
    text = re.sub(r"^name: .*$", f"name: {name}", text, flags=re.M)
    text = re.sub(r"algorithm: \{random: \{seed: \d+\}\}", f"algorithm: {{random: {{seed: {seed}}}}}", text)
    if asha is not None:
        text = re.sub(r"early_stopping: \{asha: \{[^}]*\}", f"early_stopping: {{asha: {{{asha}}}", text)
    return text


def run_study(hyperlab: str, text: str, name: str, tmp: Path) -> dict:
    path = tmp / f"{name}.yaml"
    path.write_text(text)
    data = tmp / f"{name}-data"
    start = time.monotonic()
    subprocess.run([hyperlab, "--data-dir", str(data), "run", str(path), "--workers", "2"], check=True,
                   stdout=subprocess.DEVNULL)
    wall = time.monotonic() - start
    out = subprocess.run([hyperlab, "--data-dir", str(data), "--format", "json", "trials", name], check=True,
                         capture_output=True, text=True).stdout
    trials = json.loads(out)
    best, epochs, stopped = 0.0, 0, 0
    for t in trials:
        metrics = t.get("metrics", {})
        epochs += int(metrics.get("epochs_run", 0))
        stopped += t.get("state") == "STOPPED"
        if t.get("state") == "SUCCEEDED":
            best = max(best, metrics.get("dev_accuracy", 0.0))
    return {"best_dev_accuracy": best, "epochs": epochs, "stopped": stopped, "trials": len(trials),
            "wall_seconds": round(wall, 1)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin-dir", default="build")
    ap.add_argument("--source-dir", default=".")
    ap.add_argument("--seeds", default="2,3,4")
    ap.add_argument("--min-step", type=int, default=None)
    ap.add_argument("--reduction-factor", type=float, default=None)
    ap.add_argument("--format", choices=["table", "json"], default="table")
    args = ap.parse_args()
    hyperlab = str(Path(args.bin_dir) / "tools" / "hyperlab")
    examples = Path(args.source_dir) / "examples"
    asha = None
    if args.min_step is not None or args.reduction_factor is not None:
        asha = f"min_step: {args.min_step or 1}, reduction_factor: {args.reduction_factor or 3}"
    rows = []
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        for seed in [int(s) for s in args.seeds.split(",")]:
            asha_result = run_study(hyperlab, study_file(examples / "fashion-asha.yaml", f"asha-{seed}", seed, asha),
                                    f"asha-{seed}", tmp)
            full = run_study(hyperlab,
                             study_file(examples / "fashion-no-early-stopping.yaml", f"full-{seed}", seed, None),
                             f"full-{seed}", tmp)
            rows.append({"seed": seed, "asha": asha_result, "full": full})
            if args.format == "table":
                print(f"seed {seed}: ASHA best dev {asha_result['best_dev_accuracy']:.4f} in "
                      f"{asha_result['epochs']} epochs ({asha_result['stopped']} stopped, "
                      f"{asha_result['wall_seconds']} s); full best dev {full['best_dev_accuracy']:.4f} in "
                      f"{full['epochs']} epochs ({full['wall_seconds']} s); epochs ratio "
                      f"{asha_result['epochs'] / max(1, full['epochs']):.2f}", flush=True)
    if args.format == "json":
        print(json.dumps({"asha": asha or "as in examples/fashion-asha.yaml", "runs": rows}, indent=2))
    else:
        reached = sum(r["asha"]["best_dev_accuracy"] >= r["full"]["best_dev_accuracy"] for r in rows)
        ratio = sum(r["asha"]["epochs"] for r in rows) / max(1, sum(r["full"]["epochs"] for r in rows))
        print(f"ASHA reached the full study's best dev accuracy in {reached} of {len(rows)} seeds, "
              f"with {ratio:.2f} of its epochs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
