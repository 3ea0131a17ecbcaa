#!/usr/bin/env python3
"""PyTorch side of the trainer benchmark: 784-256-128-10 (ReLU, Adam lr 1e-3) on Fashion-MNIST.

Same data (pixels / 255), network, optimiser and batch size as hyperlab-trainer-bench. Prints one line:
  torch samples_per_second=... test_accuracy=... epochs=... threads=... batch=...
samples_per_second counts the training loop only (shuffle, forward, backward, step), like ours.
Run it with Debian's python3 (/usr/bin/python3) and OMP_WAIT_POLICY=PASSIVE (see run_trainer_bench.sh).
"""
import argparse
import gzip
import time

import numpy as np
import torch

DIR = "/usr/share/datasets/fashion-mnist"


def idx(path, offset):
    with gzip.open(path, "rb") as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=offset)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    x = torch.from_numpy(idx(f"{DIR}/train-images-idx3-ubyte.gz", 16).reshape(-1, 784).astype(np.float32) / 255)
    y = torch.from_numpy(idx(f"{DIR}/train-labels-idx1-ubyte.gz", 8).astype(np.int64))
    tx = torch.from_numpy(idx(f"{DIR}/t10k-images-idx3-ubyte.gz", 16).reshape(-1, 784).astype(np.float32) / 255)
    ty = torch.from_numpy(idx(f"{DIR}/t10k-labels-idx1-ubyte.gz", 8).astype(np.int64))
    model = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 128),
                                torch.nn.ReLU(), torch.nn.Linear(128, 10))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss()
    n = x.shape[0]
    seconds = 0.0
    for _ in range(a.epochs):
        start = time.perf_counter()
        perm = torch.randperm(n)
        for i in range(0, n, a.batch):
            idx_ = perm[i:i + a.batch]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(x[idx_]), y[idx_])
            loss.backward()
            opt.step()
        seconds += time.perf_counter() - start
    with torch.no_grad():
        acc = (model(tx).argmax(1) == ty).float().mean().item()
    print(f"torch samples_per_second={a.epochs * n / seconds:.0f} test_accuracy={acc:.4f} epochs={a.epochs} "
          f"threads={a.threads} batch={a.batch}")


if __name__ == "__main__":
    main()
