"""A real coordinator and two real workers on loopback run a grid, a random and a command study that
were submitted with the CLI; every trial succeeds with its metrics and `study best` is the true best."""
import math

import harness


def check_study(cluster, study_id, expected_trials):
    cluster.cli("study", "wait", study_id, "--max-wait", "120")
    trials = cluster.json("trials", study_id)
    assert len(trials) == expected_trials, f"study {study_id}: {len(trials)} trials, expected {expected_trials}"
    for t in trials:
        assert t["state"] == "SUCCEEDED", t
        assert isinstance(t["metrics"].get("value"), float), t
    best = min(trials, key=lambda t: t["metrics"]["value"])
    reported = cluster.json("study", "best", study_id)
    assert reported["id"] == best["id"], (reported, best)
    assert reported["metrics"]["value"] == best["metrics"]["value"]
    return trials


def test(cluster):
    cluster.start_coordinator()
    cluster.start_worker(slots=2)
    cluster.start_worker(slots=2)
    grid_id = cluster.submit("examples/branin-grid.yaml")
    random_id = cluster.submit("examples/branin-random.yaml")
    command_id = cluster.submit("examples/command-quadratic.yaml")

    grid = check_study(cluster, grid_id, 25)
    # The grid is the full 5 x 5 product over x1 in [-5, 10] and x2 in [0, 15].
    points = {(t["params"]["x1"], t["params"]["x2"]) for t in grid}
    assert points == {(x1, x2) for x1 in (-5, -1.25, 2.5, 6.25, 10) for x2 in (0, 3.75, 7.5, 11.25, 15)}, points
    for t in grid:
        assert math.isclose(t["metrics"]["value"], harness.branin(t["params"]["x1"], t["params"]["x2"]),
                            rel_tol=1e-12), t

    randoms = check_study(cluster, random_id, 50)
    for t in randoms:
        assert -5 <= t["params"]["x1"] <= 10 and 0 <= t["params"]["x2"] <= 15, t
        assert 1e-4 <= t["params"]["lr"] <= 1e-1 and t["params"]["opt"] in ("sgd", "adam"), t

    commands = check_study(cluster, command_id, 12)
    for t in commands:
        assert "steps" in t["metrics"], t  # A second metric the program reported.

    workers = cluster.json("admin", "workers")["workers"]
    assert len(workers) == 2, workers
    ran_on = {t["worker"] for t in grid + randoms}
    assert len(ran_on) == 2, f"both workers should have run trials: {ran_on}"
    listing = cluster.json("study", "list")
    assert [s["state"] for s in listing] == ["COMPLETED"] * 3, listing


harness.run(test, "cluster_test")
