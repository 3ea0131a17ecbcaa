"""Hyperlab's Python client: ask for trials from your own training loop or notebook, report per-step values,
learn whether to stop early, and read the results — on a Hyperlab coordinator, local or remote.

    import hyperlab
    client = hyperlab.Client("127.0.0.1:7411")              # or hyperlab.local("./hyperlab-data")
    study = client.create_study("study.yaml")               # task: {client: {experiment: "..."}}
    with study.ask() as trial:
        for epoch in range(10):
            trial.report(epoch, dev_accuracy=train_one_epoch(trial.params))
            if trial.should_stop:
                break
    study.optimize(objective, n_trials=50, n_jobs=4)
    study.best_trial, study.trials, study.trials_dataframe()

See docs/python.md.
"""
__version__ = "0.1.0"

from .errors import HyperlabError, LeaseLostError, StudyFileError, TrialPruned  # noqa: E402
from .frozen_trial import FrozenTrial, Measurement  # noqa: E402
from .trial import Trial  # noqa: E402
from .study import Study  # noqa: E402
from .client import Client  # noqa: E402
from .local import LocalClient, local  # noqa: E402
from .study_file import load_study_file, parse_study_yaml, study_spec_from_dict  # noqa: E402

__all__ = ["Client", "LocalClient", "local", "Study", "Trial", "FrozenTrial", "Measurement", "HyperlabError",
           "LeaseLostError", "StudyFileError", "TrialPruned", "load_study_file", "parse_study_yaml",
           "study_spec_from_dict", "__version__"]
