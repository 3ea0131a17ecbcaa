"""The dashboard in a real browser: a coordinator with tokens and --http-listen runs the study `live` while
tools/dashboard/e2e/dashboard_e2e.mjs (playwright-core from npm driving Debian's headless chromium) signs
in, watches the trial count rise without a reload, filters the table with a `--where` expression, opens a
trial, is refused a note with a read token and adds one with a submit token, and is refused a drain.
Then tools/dashboard/e2e/pareto_e2e.mjs checks the Pareto chart of the study `front` (three objectives, a
constraint): the front drawn is the server's, which is the CLI's `study best`; clicking a point opens its
trial; the single-objective `live` has no such chart.

Fails, never skips, when node, the npm packages (`npm ci` in tools/dashboard, which the build runs) or
chromium are missing. With --screenshots DIR it also writes the pages' PNGs there (docs/dashboard/)."""
import json
import os
import shutil
import subprocess

import harness

TOKENS = {"read": "read-token-0123456789abcdef", "submit": "submit-token-0123456789abcd",
          "worker": "worker-token-0123456789abcde", "admin": "admin-token-0123456789abcdef"}

STUDY = """name: live
hypothesis: Random search finds Branin's basin; the dashboard shows it happen.
objective: {metric: value, goal: minimize}
tags: [dashboard, e2e]
parameters:
  - {name: x1, double: {min: -5, max: 10}}
  - {name: x2, double: {min: 0, max: 15}}
  - {name: lr, double: {min: 1.0e-4, max: 1.0e-1, scale: log}}
  - {name: opt, categorical: {values: [sgd, adam]}, children: {sgd: [{name: momentum, double: {min: 0, max: 0.99}}]}}
algorithm: {random: {seed: 11}}
budget: {max_trials: 400, max_parallel: 2}
task: {synthetic: {function: branin, delay_seconds: 0.3}}
"""

# Three objectives of a toy accuracy/latency trade-off (examples/command/tradeoff.py) and a constraint that
# some trials break.
FRONT = """name: front
objectives: [{metric: dev_accuracy, goal: maximize}, {metric: latency_ms, goal: minimize},
             {metric: params_millions, goal: minimize}]
constraints: [{metric: dev_accuracy, min: 0.6}]
parameters:
  - {name: width, integer: {min: 16, max: 1024, scale: log}}
  - {name: depth, integer: {min: 1, max: 16}}
  - {name: dropout, double: {min: 0, max: 0.5}}
algorithm: {random: {seed: 5}}
budget: {max_trials: 40, max_parallel: 2}
task:
  command:
    argv: [python3, examples/command/tradeoff.py, "--width={width}", "--depth={depth}", "--dropout={dropout}"]
    timeout_seconds: 60
"""


def add_args(parser):
    parser.add_argument("--screenshots", default="")


def test(cluster, args):
    node = shutil.which("node")
    assert node, "node is not installed; run tools/setup.sh (it installs Debian's nodejs and npm)"
    ui = os.path.abspath(os.path.join(cluster.src, "tools", "dashboard"))
    assert os.path.isdir(os.path.join(ui, "node_modules", "playwright-core")), (
        "tools/dashboard/node_modules has no playwright-core: run `npm ci` there (the build does)")
    assert shutil.which("chromium"), "chromium is not installed; run tools/setup.sh"
    tokens = os.path.join(cluster.tmp, "tokens")
    with open(tokens, "w") as f:
        for role, token in TOKENS.items():
            f.write(f"{token} {role} {role}-user\n")
    os.chmod(tokens, 0o600)
    http_port = harness.free_port()
    cluster.start_coordinator(extra=("--auth-tokens", tokens, "--http-listen", f"127.0.0.1:{http_port}"))
    harness.wait_for_port(http_port)
    os.environ["HYPERLAB_TOKEN"] = TOKENS["submit"]
    path = os.path.join(cluster.tmp, "live.yaml")
    with open(path, "w") as f:
        f.write(STUDY)
    cluster.cli("study", "submit", path)
    front_path = os.path.join(cluster.tmp, "front.yaml")
    with open(front_path, "w") as f:
        f.write(FRONT)
    cluster.cli("study", "submit", front_path)
    cluster.start_worker(slots=2, extra=("--token", TOKENS["worker"]))
    harness.wait_until(lambda: cluster.json("study", "show", "live")["counts"].get("succeeded", 0) >= 10, 60,
                       "10 trials of `live` done")
    argv = [node, os.path.join(ui, "e2e", "dashboard_e2e.mjs"), f"http://127.0.0.1:{http_port}", TOKENS["read"],
            TOKENS["submit"]]
    if args.screenshots:
        os.makedirs(args.screenshots, exist_ok=True)
        argv.append(os.path.abspath(args.screenshots))
    result = subprocess.run(argv, capture_output=True, text=True, timeout=240, cwd=ui)
    print(result.stdout.strip())
    assert result.returncode == 0, f"dashboard_e2e.mjs exited {result.returncode}:\n{result.stdout}\n{result.stderr[-3000:]}"

    # The Pareto chart: the front it draws is the one `hyperlab study best` prints.
    cluster.cli("study", "wait", "front", "--max-wait", "120", timeout=150)
    argv = [node, os.path.join(ui, "e2e", "pareto_e2e.mjs"), f"http://127.0.0.1:{http_port}", TOKENS["read"],
            "front", "live"]
    if args.screenshots:
        argv.append(os.path.abspath(args.screenshots))
    result = subprocess.run(argv, capture_output=True, text=True, timeout=180, cwd=ui)
    print(result.stdout.strip())
    assert result.returncode == 0, f"pareto_e2e.mjs exited {result.returncode}:\n{result.stdout}\n{result.stderr[-3000:]}"
    drawn = json.loads(result.stdout.strip().splitlines()[-1])
    best = cluster.json("study", "best", "front")
    assert sorted(drawn["front"]) == sorted(t["id"] for t in best["trials"]), (drawn, best)
    assert drawn["infeasible"] > 0 and drawn["drawn"] > len(drawn["front"]), drawn
    cluster.cli("study", "cancel", "live")


if __name__ == "__main__":
    harness.run(test, "dashboard_browser", extra_args=add_args)
