"""A client killed with -9 loses its lease: after the lease timeout its trial goes to another client."""
import os
import signal
import subprocess
import sys
import time

from conftest import BUILD, client_study

HOLDER = r"""
import sys, time
sys.path.insert(0, sys.argv[1])
import hyperlab
client = hyperlab.Client(sys.argv[2])
study = client.get_study(sys.argv[3])
trial = study.ask()
trial.report(1, loss=9.0)
print(trial.id, trial.lease.lease_id, client.client_id, flush=True)
time.sleep(600)
"""


def test_a_killed_client_trial_is_re_leased_to_another_client(coordinator, client):
    study = client.create_study(client_study("kill9", max_trials=1, max_parallel=1))
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, os.path.join(BUILD, "tools", "python"),
                               coordinator.address, "kill9"], stdout=subprocess.PIPE, text=True)
    try:
        trial_id, lease_id, holder_id = holder.stdout.readline().split()
        # While the holder heartbeats, its lease outlives the 1 s lease timeout: nothing to ask for.
        time.sleep(2.0)
        running = study.get_trials()[0]
        assert running.state == "RUNNING" and running.worker_id == holder_id
        holder.send_signal(signal.SIGKILL)
        holder.wait()
        killed_at = time.monotonic()
        trial = study.ask(timeout=20)
        waited = time.monotonic() - killed_at
    finally:
        if holder.poll() is None:
            holder.kill()
    assert trial is not None and trial.id == int(trial_id)
    assert trial.lease.lease_id != lease_id
    assert 0.3 < waited < 10, waited  # it waited for the lease to expire, not much longer
    assert study.get_trials()[0].attempt == 2
    trial.complete(loss=1.0)
    final = study.trials[0]
    assert final.state == "SUCCEEDED" and final.worker_id == client.client_id
