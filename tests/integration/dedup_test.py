"""No experiment runs twice: the same grid study under two names on one journal runs each point once.
The user program's own side-effect log proves it, and `hyperlab run` of the second study prints the reuses.
A changed script is a new experiment: the workers digest the program and the files its arguments name, so
after an edit every point runs again, and the edited script's results are reused in turn."""
import json
import os

import harness

STUDY = """
name: {name}
objective: {{metric: value, goal: minimize}}
parameters:
  - {{name: x, double: {{min: -1, max: 1}}}}
  - {{name: y, discrete: {{values: [1, 2, 3]}}}}
algorithm: {{grid: {{points_per_double: 3}}}}
budget: {{max_trials: 9, max_parallel: 3}}
task:
  command:
    argv: [python3, -c, "import os, sys; open(os.environ['SIDE_LOG'], 'a').write(' '.join(sys.argv[1:]) + '\\\\n'); print('hyperlab: value=%s' % (float(sys.argv[1]) ** 2 + float(sys.argv[2])))", "{{x}}", "{{y}}"]
    env: {{SIDE_LOG: {log}}}
"""


def test(cluster):
    log = os.path.join(cluster.tmp, "side-effects.log")
    data = os.path.join(cluster.tmp, "journal")
    outputs = {}
    for name in ("dedup-a", "dedup-b"):
        path = os.path.join(cluster.tmp, f"{name}.yaml")
        with open(path, "w") as f:
            f.write(STUDY.format(name=name, log=log))
        result = cluster.cli("run", path, "--workers", "3", data_dir=data)
        outputs[name] = result.stdout
    with open(log) as f:
        runs = f.read().splitlines()
    assert len(runs) == 9 and len(set(runs)) == 9, f"the program ran {len(runs)} times: {runs}"
    reuse_lines = [l for l in outputs["dedup-b"].splitlines() if "reused result of dedup-a/" in l]
    assert len(reuse_lines) == 9, outputs["dedup-b"]
    assert "same task and search space" in outputs["dedup-b"], outputs["dedup-b"]
    assert "reused" not in outputs["dedup-a"], outputs["dedup-a"]

    show = cluster.cli("study", "show", "dedup-b", data_dir=data).stdout
    assert "reused      9" in show, show
    a = {t["id"]: t for t in json.loads(cluster.cli("trials", "dedup-a", "--format", "json", data_dir=data).stdout)}
    b = json.loads(cluster.cli("trials", "dedup-b", "--format", "json", data_dir=data).stdout)
    assert len(b) == 9
    for t in b:
        assert t["state"] == "SUCCEEDED" and t["metrics"] == a[t["id"]]["metrics"], (t, a[t["id"]])

    changed_program(cluster)


SCRIPT_STUDY = """
name: {name}
objective: {{metric: value, goal: minimize}}
parameters:
  - {{name: x, integer: {{min: 1, max: 3}}}}
algorithm: {{grid: {{}}}}
budget: {{max_trials: 3, max_parallel: 2}}
task:
  command:
    argv: [python3, {script}, "{{x}}"]
    env: {{SIDE_LOG: {log}}}
"""

SCRIPT = """import os, sys
open(os.environ["SIDE_LOG"], "a").write("{version} " + sys.argv[1] + "\\n")
print("hyperlab: value=%s" % (int(sys.argv[1]) * {factor}))
"""


def changed_program(cluster):
    log = os.path.join(cluster.tmp, "script-runs.log")
    data = os.path.join(cluster.tmp, "journal")
    script = os.path.join(cluster.tmp, "train.py")

    def run(name, version, factor):
        with open(script, "w") as f:
            f.write(SCRIPT.format(version=version, factor=factor))
        path = os.path.join(cluster.tmp, f"{name}.yaml")
        with open(path, "w") as f:
            f.write(SCRIPT_STUDY.format(name=name, script=script, log=log))
        cluster.cli("run", path, "--workers", "2", data_dir=data)
        trials = json.loads(cluster.cli("trials", name, "--format", "json", data_dir=data).stdout)
        assert [t["state"] for t in trials] == ["SUCCEEDED"] * 3, trials
        return {t["params"]["x"]: t["metrics"]["value"] for t in trials}, sum(
            1 for t in trials if t.get("reused_from"))

    def runs():
        with open(log) as f:
            return f.read().splitlines()

    values, reused = run("script-a", "v1", 10)
    assert reused == 0 and sorted(runs()) == ["v1 1", "v1 2", "v1 3"], runs()
    # Same script, another study: nothing runs (the workers are asked for the digest first).
    again, reused = run("script-b", "v1", 10)
    assert again == values and reused == 3 and len(runs()) == 3, (again, reused, runs())
    # The script was edited: every point runs again, with the new program's results.
    fixed, reused = run("script-c", "v2", 100)
    assert reused == 0 and sorted(runs()[3:]) == ["v2 1", "v2 2", "v2 3"], runs()
    assert all(fixed[x] == 10 * values[x] for x in values), (fixed, values)
    # And the edited script's results are reused in turn.
    _, reused = run("script-d", "v2", 100)
    assert reused == 3 and len(runs()) == 6, runs()


harness.run(test, "dedup_test")
