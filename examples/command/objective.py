#!/usr/bin/env python3
"""A user's program, as Hyperlab's `command` executor runs it.

It takes its parameters on the command line (the study's argv has {x}, {lr} and {opt} placeholders),
"trains" for a few steps, printing an intermediate measurement per step, and ends with the final metrics.
Lines starting with `hyperlab:` are read by the worker; everything else is ordinary output.
"""
import argparse
import json
import math
import os
import time

parser = argparse.ArgumentParser()
parser.add_argument("--x", type=float, required=True)
parser.add_argument("--lr", type=float, required=True)
parser.add_argument("--opt", choices=["sgd", "adam"], required=True)
parser.add_argument("--steps", type=int, default=5)
parser.add_argument("--step-seconds", type=float, default=0.0, help="simulated training time per step")
args = parser.parse_args()

# The worker also passes every parameter as JSON in the environment.
params = json.loads(os.environ["HYPERLAB_PARAMS"])
assert params["opt"] == args.opt

steps = args.steps
loss = 10.0
for step in range(1, steps + 1):
    # A toy learning curve: faster with a learning rate near 1e-2, better with adam, best at x = 2.
    rate = 0.3 * math.exp(-abs(math.log10(args.lr) + 2)) * (1.5 if args.opt == "adam" else 1.0)
    loss = loss * (1 - rate) + 0.1 * (args.x - 2) ** 2 * rate
    print(f"step {step}: loss {loss:.4f}")
    print(f"hyperlab: step={step} loss={loss}", flush=True)
    time.sleep(args.step_seconds)

print(f"hyperlab: value={loss} steps={steps}")
