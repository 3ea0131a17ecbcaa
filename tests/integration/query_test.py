"""The lab's queries end to end: two tagged Branin studies and an untagged one on a real coordinator and
workers, read back with `trials --where/--sort/--columns/--limit`, `trials --tag`, `--format csv|json`,
a bad `--where` (exit 2, the column and a caret), and `study compare` (table, JSON, refused objectives)."""
import csv
import io
import json
import os

import harness

STUDY = """name: {name}
hypothesis: {hypothesis}
objective: {{metric: value, goal: {goal}}}
tags: [{tags}]
parameters:
  - {{name: x1, double: {{min: -5, max: 10}}}}
  - {{name: x2, double: {{min: 0, max: 15}}}}
  - {{name: opt, categorical: {{values: [sgd, adam]}}}}
  - {{name: layers, integer: {{min: 1, max: 4}}}}
algorithm: {algorithm}
budget: {{max_trials: {trials}, max_parallel: 2}}
task: {{synthetic: {{function: branin}}}}
"""


def submit(cluster, name, trials, algorithm, tags, goal="minimize"):
    path = os.path.join(cluster.tmp, f"{name}.yaml")
    with open(path, "w") as f:
        f.write(STUDY.format(name=name, hypothesis=f"{name} finds the basin", goal=goal, tags=tags,
                             algorithm=algorithm, trials=trials))
    cluster.cli("study", "submit", path)
    cluster.cli("study", "wait", name, "--max-wait", "120", timeout=150)


def test(cluster):
    cluster.start_coordinator()
    cluster.start_worker(slots=2)
    submit(cluster, "q-random", 14, "{random: {seed: 5}}", "qtest, random")
    submit(cluster, "q-bayes", 14, "{bayesian: {seed: 5}}", "qtest, bayes")
    submit(cluster, "q-up", 3, "{random: {seed: 9}}", "other", goal="maximize")

    # The unfiltered record, as scripts have always read it.
    full = cluster.json("trials", "q-random")
    assert len(full) == 14 and all(t["state"] == "SUCCEEDED" for t in full), full
    assert all(set(t["params"]) == {"x1", "x2", "opt", "layers"} for t in full), full[0]

    # --where filters exactly what Python's own filter keeps.
    expected = sorted(t["id"] for t in full if t["metrics"]["value"] < 40 and t["params"]["opt"] == "adam")
    got = cluster.json("trials", "q-random", "--where", "value < 40 and opt = adam")
    assert sorted(t["id"] for t in got) == expected, (got, expected)
    expected = sorted(t["id"] for t in full if not (t["params"]["layers"] in (1, 2) or t["params"]["x1"] >= 2.5))
    got = cluster.json("trials", "q-random", "--where", "not (layers in (1, 2) or x1 >= 2.5e0)")
    assert sorted(t["id"] for t in got) == expected, (got, expected)

    # --sort -NAME --limit N: the N largest; the old `--sort value` still works.
    top = cluster.json("trials", "q-random", "--sort", "-value", "--limit", "3")
    assert [t["id"] for t in top] == [t["id"] for t in sorted(full, key=lambda t: -t["metrics"]["value"])[:3]]
    table = cluster.cli("trials", "q-random", "--sort", "value").stdout.splitlines()
    best_id = min(full, key=lambda t: t["metrics"]["value"])["id"]
    assert table[0].split()[:2] == ["id", "state"] and table[1].split()[0] == str(best_id), table[:2]

    # --tag: both tagged studies (not q-up), with a study column; CSV parses back to the same values.
    out = cluster.cli("trials", "--tag", "qtest", "--format", "csv", "--sort", "study,id").stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 28, out
    assert {r["study"] for r in rows} == {"q-random", "q-bayes"}, out
    assert list(rows[0])[:3] == ["study", "id", "state"], list(rows[0])
    assert {"x1", "x2", "opt", "layers", "value", "runtime", "worker"} <= set(rows[0]), list(rows[0])
    by_id = {t["id"]: t for t in full}
    for r in rows:
        if r["study"] == "q-random":
            # CSV numbers are exact: they read back to the very same doubles.
            assert float(r["value"]) == by_id[int(r["id"])]["metrics"]["value"], r
            assert float(r["x1"]) == by_id[int(r["id"])]["params"]["x1"], r

    # --columns in JSON: flat objects, typed, in the order asked.
    flat = cluster.json("trials", "--tag", "qtest", "--columns", "study,id,opt,layers,value,reason",
                        "--where", "study = q-bayes", "--limit", "2")
    assert len(flat) == 2 and list(flat[0]) == ["study", "id", "opt", "layers", "value", "reason"], flat
    assert all(isinstance(t["layers"], int) and isinstance(t["value"], float) and t["reason"] is None
               and t["study"] == "q-bayes" for t in flat), flat

    # A bad --where: exit 2, one line with the column, then the expression and a caret under the fault.
    bad = cluster.cli("trials", "q-random", "--where", "value < and opt = adam", check=False)
    assert bad.returncode == 2, bad
    lines = bad.stderr.splitlines()
    assert lines[0] == "hyperlab: INVALID_ARGUMENT: --where: column 9: expected a value after '<', got 'and'", \
        bad.stderr
    assert lines[1] == "  value < and opt = adam" and lines[2] == "  " + " " * 8 + "^", bad.stderr
    unknown = cluster.cli("trials", "q-random", "--where", "lr < 0.1", check=False)
    assert unknown.returncode == 2 and "unknown name 'lr'; parameters: x1, x2, opt, layers" in unknown.stderr, \
        unknown.stderr
    missing = cluster.cli("trials", "--tag", "qtset", check=False)
    assert missing.returncode == 1 and "tags in use: bayes, other, qtest, random" in missing.stderr, missing.stderr

    # study compare: the default target is the worse best value, which both studies reach.
    comparison = cluster.json("study", "compare", "q-random", "q-bayes")
    bayes = cluster.json("trials", "q-bayes")
    best = {"q-random": min(t["metrics"]["value"] for t in full),
            "q-bayes": min(t["metrics"]["value"] for t in bayes)}
    assert comparison["objective"] == {"metric": "value", "goal": "MINIMIZE"}, comparison
    assert comparison["target"] == {"value": max(best.values()), "given": False}, comparison
    for s in comparison["studies"]:
        assert s["best"]["value"] == best[s["name"]], s
        assert s["trials"]["total"] == 14 and s["trials"]["succeeded"] == 14, s
        assert s["target"]["reached"] and 1 <= s["target"]["trials"] <= 14, s
        values = sorted(t["metrics"]["value"] for t in (full if s["name"] == "q-random" else bayes))
        assert s["objective_distribution"]["min"] == values[0] and s["objective_distribution"]["max"] == values[-1]
    text = cluster.cli("study", "compare", "q-random", "q-bayes", "--target", "1e9").stdout
    assert "trials to target" in text and "value <= 1e+09" in text, text
    refused = cluster.cli("study", "compare", "q-random", "q-up", check=False)
    assert refused.returncode == 2 and "same objective" in refused.stderr, refused.stderr


harness.run(test, "query_test")
