"""No experiment runs twice: the same grid study under two names on one journal runs each point once.
The user program's own side-effect log proves it, and `hyperlab run` of the second study prints the reuses."""
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


harness.run(test, "dedup_test")
