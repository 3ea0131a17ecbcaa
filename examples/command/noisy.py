#!/usr/bin/env python3
"""A noisy objective, as a training run with a random seed is: Branin plus Gaussian noise of sd 1.

The same parameters report different values from run to run, so the lowest value seen is partly luck.
The study (examples/command-noisy.yaml) declares `objective: {..., noisy: true}`, and Hyperlab reports,
beside the best trial, the trial its model is surest is good.
"""
import argparse
import math
import random

parser = argparse.ArgumentParser()
parser.add_argument("--x1", type=float, required=True)
parser.add_argument("--x2", type=float, required=True)
args = parser.parse_args()

a, b, c = 1.0, 5.1 / (4 * math.pi ** 2), 5 / math.pi
r, s, t = 6.0, 10.0, 1 / (8 * math.pi)
branin = a * (args.x2 - b * args.x1 ** 2 + c * args.x1 - r) ** 2 + s * (1 - t) * math.cos(args.x1) + s
print(f"hyperlab: value={branin + random.gauss(0, 1):.6f} true_value={branin:.6f}")
