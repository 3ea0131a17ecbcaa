"""The client reads study files as the CLI does (tools/study_file.cc): the same spec, the same one-line errors.

Each hostile file goes through both `hyperlab study submit` (which parses before connecting) and
hyperlab.load_study_file; YAML syntax errors are compared by line only (PyYAML and yaml-cpp word them
differently). Problems only the coordinator's validation finds are not the client's to see offline (the
client gives them their line when the coordinator answers: test_errors.py).
"""
import os
import subprocess

import pytest

import hyperlab
from conftest import BUILD, REPO

CASES = {
    "bad-int": "name: x\nbudget: {max_trials: abc}\n",
    "unknown-field": "name: x\nfoo: 1\n",
    "list-for-string": "name: [1]\n",
    "two-documents": "a: b\n---\nc: d\n",
    "oneof-twice": "name: x\nalgorithm: {random: {}, grid: {}}\n",
    "bad-enum": "name: bad\nobjective: {metric: loss, goal: sideways}\n",
    "set-twice": "name: x\nbudget: {max_trials: 3, max_trials: 4}\n",
    "int32-range": "name: x\nbudget: {max_trials: 99999999999}\n",
    "map-value": "name: x\ntask: {command: {env: {A: [1]}}}\n",
    "children-not-a-list": "name: x\nparameters:\n  - name: o\n    categorical: {values: [a, b]}\n"
                           "    children: {a: 3}\n",
    "child-field": "name: x\nparameters:\n  - name: o\n    categorical: {values: [a, b]}\n"
                   "    children:\n      b: [{name: c, duble: {}}]\n",
    "empty": "",
    "not-a-map": "- 1\n",
    "control-char": "name: x\x01\n",
    "syntax": "x: [\n",
    "laughs": "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
              "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
              "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
              "tags: [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n",
}


def cli_error(path):
    result = subprocess.run([os.path.join(BUILD, "tools", "hyperlab"), "--coordinator", "127.0.0.1:1", "--timeout",
                             "1", "study", "submit", path], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2, result
    return result.stderr.strip().splitlines()[0].removeprefix("hyperlab: ")


@pytest.mark.parametrize("name", sorted(CASES))
def test_errors_match_the_cli(name, tmp_path):
    path = tmp_path / f"{name}.yaml"
    path.write_text(CASES[name])
    with pytest.raises(hyperlab.StudyFileError) as e:
        hyperlab.load_study_file(str(path))
    expected = cli_error(str(path))
    if "YAML syntax error" in expected:
        assert str(e.value).split(" YAML syntax error")[0] == expected.split(" YAML syntax error")[0]
    else:
        assert str(e.value) == expected


@pytest.mark.parametrize("example", sorted(f for f in os.listdir(os.path.join(REPO, "examples"))
                                           if f.endswith(".yaml")))
def test_every_example_study_file_loads(example):
    spec, _ = hyperlab.load_study_file(os.path.join(REPO, "examples", example))
    assert spec.name and spec.budget.max_trials > 0


def test_a_dict_is_read_like_the_file(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text("name: s\nobjective: {metric: loss, goal: MINIMIZE}\nparameters:\n"
                    "  - {name: lr, double: {min: 1.0e-4, max: 1.0, scale: log}}\n  - {name: n, integer: {min: 1, max: 4}}\n"
                    "algorithm: {random: {seed: 3}}\nbudget: {maxTrials: 5}\ntask: {client: {experiment: e}}\n")
    from_file, _ = hyperlab.load_study_file(str(path))
    from_dict, _ = hyperlab.study_spec_from_dict({
        "name": "s", "objective": {"metric": "loss", "goal": "minimize"},
        "parameters": [{"name": "lr", "double": {"min": 1e-4, "max": 1.0, "scale": "LOG"}},
                       {"name": "n", "integer": {"min": 1, "max": 4}}],
        "algorithm": {"random": {"seed": 3}}, "budget": {"max_trials": 5}, "task": {"client": {"experiment": "e"}}})
    assert from_file == from_dict
    with pytest.raises(hyperlab.StudyFileError, match=r"^INVALID_ARGUMENT: <dict>: budget.max_trials: expected an "
                                                      r"integer, got 'true'$"):
        hyperlab.study_spec_from_dict({"name": "s", "budget": {"max_trials": True}})


def test_conditional_children_are_read_like_the_cli(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("name: c\nobjective: {metric: loss, goal: minimize}\nparameters:\n"
                    "  - name: optimizer\n    categorical: {values: [sgd, adam]}\n    children:\n"
                    "      sgd: [{name: momentum, double: {min: 0, max: 0.99}}]\n"
                    "algorithm: {random: {seed: 3}}\nbudget: {max_trials: 5}\ntask: {client: {experiment: e}}\n")
    spec, _ = hyperlab.load_study_file(str(path))
    assert [p.name for p in spec.parameters[0].children["sgd"].parameters] == ["momentum"]
    from_dict, _ = hyperlab.study_spec_from_dict({
        "name": "c", "objective": {"metric": "loss", "goal": "minimize"},
        "parameters": [{"name": "optimizer", "categorical": {"values": ["sgd", "adam"]},
                        "children": {"sgd": [{"name": "momentum", "double": {"min": 0, "max": 0.99}}]}}],
        "algorithm": {"random": {"seed": 3}}, "budget": {"max_trials": 5}, "task": {"client": {"experiment": "e"}}})
    assert spec == from_dict
