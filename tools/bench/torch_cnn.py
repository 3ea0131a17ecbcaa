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

import torch

import torch_fashion


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--train-limit", type=int, default=0)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    x, y, tx, ty = torch_fashion.load((1, 28, 28), a.train_limit)
    nn = torch.nn
    model = nn.Sequential(nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                          nn.Linear(64 * 7 * 7, 128), nn.ReLU(), nn.Linear(128, 10))
    seconds = torch_fashion.train(model, x, y, a.epochs, a.batch)
    acc = torch_fashion.test_accuracy(model, tx, ty)
    print(f"torch-cnn samples_per_second={a.epochs * x.shape[0] / seconds:.0f} test_accuracy={acc:.4f} "
          f"epoch_seconds={seconds / a.epochs:.1f} epochs={a.epochs} threads={a.threads} batch={a.batch}")


if __name__ == "__main__":
    main()
