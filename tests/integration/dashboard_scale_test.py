"""The dashboard with 10,000 trials (issue 16): a real coordinator runs a 10,000-trial synthetic study (about
4 s), then tools/dashboard/e2e/first_paint.mjs (playwright-core driving Debian's headless chromium) opens
its page three times. The median first paint (the study's summary and the table's first page) must be at
most 1 s and the rows in view must be built in at most 16 ms (median) while the table scrolls (frame times
are printed); the last trial's row must appear at the end of the table. Prints the figures. With --screenshot FILE it saves the page.

Fails, never skips, when node, the npm packages or chromium are missing (see dashboard_browser_test.py)."""
import json
import os
import shutil
import statistics
import subprocess

import harness

TOKEN = "read-token-0123456789abcdef"
STUDY = """name: big
hypothesis: 10,000 trials draw in the dashboard within a second.
objective: {metric: value, goal: minimize}
parameters:
  - {name: x1, double: {min: -5, max: 10}}
  - {name: x2, double: {min: 0, max: 15}}
  - {name: lr, double: {min: 1.0e-4, max: 1.0e-1, scale: log}}
  - {name: opt, categorical: {values: [sgd, adam]}}
algorithm: {random: {seed: 1}}
budget: {max_trials: 10000, max_parallel: 256}
task: {synthetic: {function: branin}}
"""


def add_args(parser):
    parser.add_argument("--screenshot", default="")


def test(cluster, args):
    node = shutil.which("node")
    assert node, "node is not installed; run tools/setup.sh"
    ui = os.path.abspath(os.path.join(cluster.src, "tools", "dashboard"))
    assert os.path.isdir(os.path.join(ui, "node_modules", "playwright-core")), (
        "tools/dashboard/node_modules has no playwright-core: run `npm ci` there (the build does)")
    tokens = os.path.join(cluster.tmp, "tokens")
    with open(tokens, "w") as f:
        f.write(f"{TOKEN} admin reader\n")
    os.chmod(tokens, 0o600)
    http_port = harness.free_port()
    cluster.start_coordinator(extra=("--auth-tokens", tokens, "--http-listen", f"127.0.0.1:{http_port}"))
    harness.wait_for_port(http_port)
    os.environ["HYPERLAB_TOKEN"] = TOKEN
    path = os.path.join(cluster.tmp, "big.yaml")
    with open(path, "w") as f:
        f.write(STUDY)
    cluster.cli("study", "submit", path)
    cluster.start_worker(slots=256, extra=("--token", TOKEN))
    cluster.cli("study", "wait", "big", "--max-wait", "120", timeout=150)
    argv = [node, os.path.join(ui, "e2e", "first_paint.mjs"), f"http://127.0.0.1:{http_port}", "big", TOKEN]
    if args.screenshot:
        argv.append(os.path.abspath(args.screenshot))
    result = subprocess.run(argv, capture_output=True, text=True, timeout=180, cwd=ui)
    assert result.returncode == 0, f"first_paint.mjs exited {result.returncode}:\n{result.stdout}\n{result.stderr[-3000:]}"
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    print(json.dumps(figures))
    assert figures["trials"] == 10000, figures
    assert not figures["errors"], figures["errors"]
    assert statistics.median(figures["first_paint_ms"]) <= 1000, figures
    # The rows' own cost per scroll step; whole frames also carry the compositing of a page of canvases,
    # which a loaded 2-core machine without a GPU slows (printed, not bounded).
    assert figures["scroll"]["rows_build_ms"]["median"] <= 16, figures


if __name__ == "__main__":
    harness.run(test, "dashboard_scale", extra_args=add_args)
