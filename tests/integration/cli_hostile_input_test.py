"""Issue 14 #16 (and #5 through the CLI): hostile inputs to the CLI end in a one-line error and exit 2, on a
real coordinator that keeps serving:
  - a study file whose YAML aliases expand one anchored list into a million nodes ("billion laughs"; the
    old CLI grew to gigabytes and aborted): refused with the file, the line and max_study_file_nodes;
  - a study file over max_spec_bytes: refused before anything is sent;
  - a grid over an integer range near the int64 limits: refused naming the parameter;
  - `trials --where` nested 30,000 deep (the old CLI overflowed its stack): refused with the column.
Nothing reaches the journal, and a good study still works afterwards."""
import os

import harness

GOOD = """name: good
objective: {metric: value, goal: minimize}
parameters:
  - {name: x1, double: {min: -5, max: 10}}
  - {name: x2, double: {min: 0, max: 15}}
algorithm: {random: {seed: 7}}
budget: {max_trials: 2, max_parallel: 2}
task: {synthetic: {function: branin}}
"""


def aliased(parameters, values, length):
    """`parameters` categorical parameters sharing one anchored list of `values` values of `length` chars."""
    items = ", ".join(f"v{i}".ljust(length, "x") for i in range(values))
    lines = ["name: bomb", "objective: {metric: value, goal: minimize}", "parameters:",
             f"  - {{name: p0, categorical: {{values: &v [{items}]}}}}"]
    lines += [f"  - {{name: p{p}, categorical: {{values: *v}}}}" for p in range(1, parameters)]
    lines += ["algorithm: {random: {}}", "budget: {max_trials: 1}", "task: {command: {argv: [x]}}", ""]
    return "\n".join(lines)


def refused(cluster, path, words):
    result = cluster.cli("study", "submit", path, check=False, timeout=60)
    err = result.stderr.strip()
    assert result.returncode == 2, f"{path}: exit {result.returncode}, stderr {err[:500]!r}"
    assert len(err.splitlines()) == 1, f"{path}: not one line: {err[:500]!r}"
    for word in words:
        assert word in err, f"{path}: no {word!r} in {err[:500]!r}"


def test(cluster):
    cluster.start_coordinator()
    files = {
        # 100 aliases of a 10,000-value list: 1,000,000 nodes from 70 KB of YAML.
        "laughs.yaml": (aliased(100, 10000, 2), ["laughs.yaml:", "max_study_file_nodes"]),
        # One plain list of 1,100 values of 1,000 characters: a 1.1 MB spec.
        "big.yaml": (aliased(1, 1100, 1000), ["big.yaml: spec: ", "max_spec_bytes = 1048576"]),
        "wide.yaml": (GOOD.replace("name: good", "name: wide").replace(
            "algorithm: {random: {seed: 7}}",
            "  - {name: units, integer: {min: -9000000000000000000, max: 9000000000000000000}}\n"
            "algorithm: {grid: {}}"),
            ["wide.yaml:6:", "parameters[2].integer.min (name 'units')", "max_integer_magnitude"]),
    }
    for name, (text, words) in files.items():
        path = os.path.join(cluster.tmp, name)
        with open(path, "w") as f:
            f.write(text)
        refused(cluster, path, words)
    assert cluster.json("study", "list") == [], "a refused file reached the journal"

    good = os.path.join(cluster.tmp, "good.yaml")
    with open(good, "w") as f:
        f.write(GOOD)
    cluster.cli("study", "submit", good)

    for opener, closer in (("(", ")"), ("not ", "")):
        where = opener * 30000 + "x1 > 0" + closer * 30000
        result = cluster.cli("trials", "good", "--where", where, check=False, timeout=60)
        first = result.stderr.strip().splitlines()[0] if result.stderr.strip() else ""
        assert result.returncode == 2, f"--where {opener!r}x30000: exit {result.returncode}: {first[:300]!r}"
        assert f"column {100 * len(opener) + 1}:" in first and "max_query_depth = 100" in first, first[:300]
    assert len(cluster.json("study", "list")) == 1


harness.run(test, "cli_hostile_input_test")
