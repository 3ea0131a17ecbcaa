"""Errors are exceptions carrying the gRPC code and the coordinator's message."""
import os
import tempfile

import pytest

import hyperlab
from conftest import Coordinator, client_study

SUBMIT_TOKEN = "submit-token-0123456789abcdef"
READ_TOKEN = "read-token-0123456789abcdefgh"


@pytest.fixture(scope="module")
def secured():
    with tempfile.TemporaryDirectory(prefix="hyperlab-py-auth-") as tmp:
        tokens = os.path.join(tmp, "tokens")
        with open(tokens, "w") as f:
            f.write(f"{SUBMIT_TOKEN} submit alice\n{READ_TOKEN} read bob\n")
        os.chmod(tokens, 0o600)
        c = Coordinator(tmp, extra=["--auth-tokens", tokens])
        yield c
        c.stop()


def test_a_bad_token_is_unauthenticated(secured):
    with hyperlab.Client(secured.address, token="not-a-known-token-0000") as client:
        with pytest.raises(hyperlab.HyperlabError) as e:
            client.create_study(client_study("auth", max_trials=1))
    assert e.value.code_name == "UNAUTHENTICATED"
    assert e.value.code.name == "UNAUTHENTICATED" and e.value.message
    with hyperlab.Client(secured.address) as client:  # no token at all
        with pytest.raises(hyperlab.HyperlabError) as e:
            client.list_studies()
    assert e.value.code_name == "UNAUTHENTICATED"


def test_a_submit_token_may_ask_and_a_read_token_may_not(secured):
    with hyperlab.Client(secured.address, token=SUBMIT_TOKEN) as client:
        study = client.create_study(client_study("auth", max_trials=1))
        trial = study.ask()
        trial.complete(loss=0.5)
    with hyperlab.Client(secured.address, token=READ_TOKEN) as reader:
        study = reader.get_study("auth")
        assert study.best_value == 0.5
        with pytest.raises(hyperlab.HyperlabError) as e:
            study.ask()
    assert e.value.code_name == "PERMISSION_DENIED"


def test_an_unknown_study_is_not_found(client):
    with pytest.raises(hyperlab.HyperlabError) as e:
        client.get_study("no-such-study")
    assert e.value.code_name == "NOT_FOUND" and "no-such-study" in e.value.message
    study = client.create_study(client_study("to-cancel", max_trials=2))
    study.id = 987654  # a study that does not exist (as if deleted under us)
    with pytest.raises(hyperlab.HyperlabError) as e:
        study.ask()
    assert e.value.code_name == "NOT_FOUND"


def test_a_bad_study_file_names_the_file_line_and_field(client, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("name: bad\nobjective: {metric: loss, goal: sideways}\n")
    with pytest.raises(hyperlab.StudyFileError) as e:
        client.create_study(str(path))
    assert str(e.value) == (f"INVALID_ARGUMENT: {path}:2: objective.goal: unknown value 'sideways'; expected "
                            "one of minimize, maximize")
    # A problem only the coordinator's validation sees still gets the line where the field was written.
    path.write_text("name: bad\nobjective: {metric: loss, goal: minimize}\nparameters:\n"
                    "  - {name: lr, double: {min: 0, max: 1, scale: log}}\nbudget: {max_trials: 2}\n"
                    "task: {client: {}}\n")
    with pytest.raises(hyperlab.StudyFileError) as e:
        client.create_study(str(path))
    assert e.value.code_name == "INVALID_ARGUMENT" and f"{path}:4: parameters[0]" in str(e.value), str(e.value)
    with pytest.raises(hyperlab.StudyFileError, match="cannot read"):
        client.create_study(str(tmp_path / "missing.yaml"))


def test_an_unreachable_coordinator_is_unavailable():
    with hyperlab.Client("127.0.0.1:1", timeout=2) as client:
        with pytest.raises(hyperlab.HyperlabError) as e:
            client.list_studies()
    assert e.value.code_name == "UNAVAILABLE"


def test_a_token_is_not_sent_in_plaintext_to_a_remote_address():
    with pytest.raises(hyperlab.HyperlabError) as e:
        hyperlab.Client("example.com:7411", token=SUBMIT_TOKEN)
    assert e.value.code_name == "FAILED_PRECONDITION" and SUBMIT_TOKEN not in str(e.value)
