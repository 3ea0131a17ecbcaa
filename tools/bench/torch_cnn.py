#!/usr/bin/env python3
"""PyTorch side of the CNN benchmark: the network of hyperlab-cnn-bench on Fashion-MNIST.

conv 32 3x3 (padding 1) + ReLU + 2x2 max pool, conv 64 3x3 + ReLU + 2x2 max pool, dense 128 + ReLU, 10
classes; Adam lr 1e-3; batch 128; pixels / 255. Same data, network, optimiser and batch size as ours.
Prints one line:
  torch-cnn samples_per_second=... test_accuracy=... epoch_seconds=... epochs=... threads=... batch=...
samples_per_second counts the training loop only (shuffle, forward, backward, step), like ours.
Run it with Debian's python3 (/usr/bin/python3) and OMP_WAIT_POLICY=PASSIVE (see run_cnn_bench.sh).
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


def images(path):
    return torch.from_numpy(idx(path, 16).reshape(-1, 1, 28, 28).astype(np.float32) / 255)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--train-limit", type=int, default=0)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    x = images(f"{DIR}/train-images-idx3-ubyte.gz")
    y = torch.from_numpy(idx(f"{DIR}/train-labels-idx1-ubyte.gz", 8).astype(np.int64))
    if a.train_limit > 0:
        x, y = x[:a.train_limit], y[:a.train_limit]
    tx = images(f"{DIR}/t10k-images-idx3-ubyte.gz")
    ty = torch.from_numpy(idx(f"{DIR}/t10k-labels-idx1-ubyte.gz", 8).astype(np.int64))
    nn = torch.nn
    model = nn.Sequential(nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                          nn.Linear(64 * 7 * 7, 128), nn.ReLU(), nn.Linear(128, 10))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
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
    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, tx.shape[0], 1000):
            correct += (model(tx[i:i + 1000]).argmax(1) == ty[i:i + 1000]).sum().item()
    print(f"torch-cnn samples_per_second={a.epochs * n / seconds:.0f} test_accuracy={correct / tx.shape[0]:.4f} "
          f"epoch_seconds={seconds / a.epochs:.1f} epochs={a.epochs} threads={a.threads} batch={a.batch}")


if __name__ == "__main__":
    main()
