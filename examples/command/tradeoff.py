#!/usr/bin/env python3
"""A toy accuracy/latency trade-off for the multi-objective example (examples/command-tradeoff.yaml).

A wider, deeper "network" is more accurate and slower; `params_millions` grows with width and depth.
Prints `hyperlab: dev_accuracy=... latency_ms=... params_millions=...`.
"""
import argparse
import math

parser = argparse.ArgumentParser()
parser.add_argument("--width", type=float, required=True)
parser.add_argument("--depth", type=int, required=True)
parser.add_argument("--dropout", type=float, required=True)
args = parser.parse_args()

capacity = math.log2(args.width) * args.depth
dev_accuracy = 0.95 - 0.5 * math.exp(-capacity / 30) - 0.2 * (args.dropout - 0.2) ** 2
latency_ms = 0.02 * args.width * args.depth ** 1.2 + 1.0
params_millions = args.width * args.width * args.depth / 1e6
print(f"hyperlab: dev_accuracy={dev_accuracy:.6f} latency_ms={latency_ms:.4f} params_millions={params_millions:.4f}")
