#!/usr/bin/env python3
"""A loss over five decades: lowest near lr = 1e-3 with adam; rates above 0.2 diverge (the trial fails)."""
import argparse, math, sys
p = argparse.ArgumentParser()
p.add_argument("--lr", type=float); p.add_argument("--width", type=int); p.add_argument("--opt")
p.add_argument("--dropout", type=float)
a = p.parse_args()
if a.lr > 0.2:
    print("loss became NaN at step 2", file=sys.stderr)
    sys.exit(1)
d = math.log10(a.lr) + 3
log_loss = -4 + 1.2 * d * d + (0.6 if a.opt == "sgd" else 0) + 0.3 * abs(math.log2(a.width / 128)) / 3 + 0.8 * a.dropout
loss = 10 ** log_loss
for step in range(1, 4):
    print(f"hyperlab: step={step} loss={loss * (4 - step)}", flush=True)
print(f"hyperlab: value={loss}")
