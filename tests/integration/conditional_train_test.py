"""Conditional parameters with the built-in trainer on real data (issue 19): `hyperlab run` of a grid over a
tree of the trainer's knobs (momentum only for momentum SGD, filters only with a convolution block) runs
exactly the configurations of the tree, each once, and every trial carries exactly the knobs that exist
for its values. The knob a child sets reaches the trainer: the two momentum values train differently.
"""
import json
import os

import harness

STUDY = """name: conditional-train
objective: {metric: dev_accuracy, goal: maximize}
parameters:
  - name: optimizer
    categorical: {values: [sgd, momentum, adam]}
    children:
      momentum: [{name: momentum, discrete: {values: [0.5, 0.9]}}]
  - name: conv_blocks
    integer: {min: 0, max: 1}
    children:
      1: [{name: filters, discrete: {values: [4]}}]
algorithm: {grid: {}}
budget: {max_trials: 100, max_parallel: 2}
task:
  train:
    data: {name: fashion-mnist, train_limit: 1000}
    layers: [32]
    dense_units: 16
    learning_rate: 0.01
    epochs: 1
"""


def expected_names(params):
    names = {"optimizer", "conv_blocks"}
    if params.get("optimizer") == "momentum":
        names.add("momentum")
    if params.get("conv_blocks") == 1:
        names.add("filters")
    return names


def test(cluster):
    if not os.path.exists("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"):
        raise AssertionError("Fashion-MNIST is missing: install the dataset-fashion-mnist package")
    path = os.path.join(cluster.tmp, "study.yaml")
    with open(path, "w") as f:
        f.write(STUDY)
    data = os.path.join(cluster.tmp, "journal")
    cluster.cli("run", path, "--workers", "2", data_dir=data, timeout=240)
    trials = json.loads(cluster.cli("trials", "conditional-train", "--format", "json", data_dir=data).stdout)
    # optimizer: sgd (1) + momentum (2) + adam (1) = 4; conv_blocks: 0 (1) + 1 (filters: 1) = 2.
    assert len(trials) == 8, [t["params"] for t in trials]
    configurations = set()
    for t in trials:
        assert t["state"] == "SUCCEEDED", t
        assert set(t["params"]) == expected_names(t["params"]), t["params"]
        configurations.add(json.dumps(t["params"], sort_keys=True))
    assert len(configurations) == 8, configurations
    # The momentum value reaches the trainer: same everything else, different accuracy.
    by_momentum = {t["params"]["momentum"]: t["metrics"]["dev_accuracy"] for t in trials
                   if t["params"].get("momentum") is not None and t["params"]["conv_blocks"] == 0}
    assert set(by_momentum) == {0.5, 0.9}, by_momentum
    assert by_momentum[0.5] != by_momentum[0.9], by_momentum
    # The table lists the children as columns, empty where they do not exist.
    table = cluster.cli("trials", "conditional-train", data_dir=data).stdout
    header = table.splitlines()[0].split()
    assert "momentum" in header and "filters" in header, table
    print(f"conditional_train_test: {len(trials)} trials, dev accuracy by momentum {by_momentum}")


harness.run(test, "conditional_train_test")
