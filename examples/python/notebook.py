# %% [markdown]
# # Hyperlab in a notebook
# Cells of a Jupyter notebook (open with Jupytext, VS Code or run as a script):
# `PYTHONPATH=build/tools/python /usr/bin/python3 examples/python/notebook.py`.
# `hyperlab.local` starts a coordinator of its own, whose journal lives in ./hyperlab-notebook: run the
# notebook again and the study continues from what it has.

# %%
import hyperlab

client = hyperlab.local("./hyperlab-notebook")

# %% A study written inline: its trials run right here (task: client).
study = client.create_study({
    "name": "notebook-rosenbrock",
    "objective": {"metric": "value", "goal": "minimize"},
    "parameters": [{"name": "x", "double": {"min": -2, "max": 2}},
                   {"name": "y", "double": {"min": -1, "max": 3}}],
    "algorithm": {"bayesian": {"seed": 0}},
    "budget": {"max_trials": 40, "max_parallel": 1},
    "task": {"client": {}},
})


# %% Ask and tell, by hand: one trial.
def rosenbrock(x, y):
    return (1 - x) ** 2 + 100 * (y - x * x) ** 2


trial = study.ask()
if trial is not None:
    trial.complete(value=rosenbrock(trial.params["x"], trial.params["y"]))
    print(trial)

# %% The rest of the budget, Optuna style: the objective returns the value.
study.optimize(lambda t: rosenbrock(t.params["x"], t.params["y"]))
print(study.best_trial)

# %% The results as a pandas DataFrame (a list of dicts without pandas).
df = study.trials_dataframe()
print(df[["id", "state", "value", "params_x", "params_y"]].sort_values("value").head() if hasattr(df, "sort_values")
      else df[:5])

# %%
client.close()  # stops the coordinator; the journal stays in ./hyperlab-notebook
