"""Every kind of bad study file is refused by `hyperlab study submit` and `hyperlab run` with exit code 2
and one line naming the file, the field and the line; nothing is written to the journal."""
import os

import harness

GOOD = """name: good
objective: {metric: value, goal: minimize}
parameters:
  - {name: x1, double: {min: -5, max: 10}}
  - {name: x2, double: {min: 0, max: 15}}
algorithm: {random: {seed: 7}}
budget: {max_trials: 5, max_parallel: 2}
task: {synthetic: {function: branin}}
"""

# (name, text, words the error must contain, line it must name)
CASES = [
    ("unknown_field", GOOD.replace("name: good", "name: good\nmax_trails: 3"), ["max_trails"], 2),
    ("unknown_nested_field", GOOD.replace("{min: -5, max: 10}", "{min: -5, max: 10, step: 1}"),
     ["parameters[0].double", "step"], 4),
    ("log_min_not_positive", GOOD.replace("{min: 0, max: 15}", "{min: 0, max: 15, scale: log}"),
     ["parameters[1].double.min", "log"], 5),
    ("min_above_max", GOOD.replace("{min: -5, max: 10}", "{min: 10, max: -5}"), ["parameters[0].double"], 4),
    ("empty_values", GOOD.replace("algorithm:", "  - {name: opt, categorical: {values: []}}\nalgorithm:"),
     ["parameters[2].categorical.values"], 6),
    ("duplicate_name", GOOD.replace("name: x2", "name: x1"), ["parameters[1].name", "x1"], 5),
    ("unknown_algorithm", GOOD.replace("{random: {seed: 7}}", "{annealing: {seed: 7}}"),
     ["algorithm", "annealing"], 6),
    ("unknown_task", GOOD.replace("{synthetic: {function: branin}}", "{notebook: {path: a.ipynb}}"),
     ["task", "notebook"], 8),
    ("zero_trials", GOOD.replace("max_trials: 5", "max_trials: 0"), ["budget.max_trials"], 7),
    ("yaml_syntax", GOOD.replace("{name: x2, double: {min: 0, max: 15}}", "{name: x2, double: {min: 0, max: 15}"),
     ["YAML"], 6),  # The unclosed brace of line 5 is detected where line 6 starts.
]


def test(cluster):
    cluster.start_coordinator()
    for name, text, words, line in CASES:
        path = os.path.join(cluster.tmp, f"{name}.yaml")
        with open(path, "w") as f:
            f.write(text)
        for argv, data_dir in ((["study", "submit", path], None),
                               (["run", path], os.path.join(cluster.tmp, f"run-{name}"))):
            result = cluster.cli(*argv, check=False, data_dir=data_dir)
            err = result.stderr.strip()
            where = f"{name} via {argv[0]}"
            assert result.returncode == 2, f"{where}: exit {result.returncode}, stderr {err!r}"
            assert len(err.splitlines()) == 1, f"{where}: not one line: {err!r}"
            assert f"{path}:{line}:" in err, f"{where}: no '{path}:{line}:' in {err!r}"
            for word in words:
                assert word in err, f"{where}: no {word!r} in {err!r}"
            if data_dir:
                assert not os.path.exists(data_dir), f"{where}: created {data_dir}"
    assert cluster.json("study", "list") == [], "a bad file reached the journal"

    # A good file still works after all that.
    good = os.path.join(cluster.tmp, "good.yaml")
    with open(good, "w") as f:
        f.write(GOOD)
    cluster.cli("study", "submit", good)
    assert len(cluster.json("study", "list")) == 1


harness.run(test, "bad_study_file_test")
