#!/usr/bin/env python3
"""PyTorch side of the trainer benchmark: 784-256-128-10 (ReLU, Adam lr 1e-3) on Fashion-MNIST.

Same data (pixels / 255), network, optimiser and batch size as hyperlab-trainer-bench. Prints one line:
  torch samples_per_second=... test_accuracy=... epochs=... threads=... batch=...
samples_per_second counts the training loop only (shuffle, forward, backward, step), like ours.
Run it with Debian's python3 (/usr/bin/python3) and OMP_WAIT_POLICY=PASSIVE (see run_trainer_bench.sh).
"""
import argparse

import torch

import torch_fashion


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    x, y, tx, ty = torch_fashion.load((784,))
    model = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 128),
                                torch.nn.ReLU(), torch.nn.Linear(128, 10))
    seconds = torch_fashion.train(model, x, y, a.epochs, a.batch)
    acc = torch_fashion.test_accuracy(model, tx, ty)
    print(f"torch samples_per_second={a.epochs * x.shape[0] / seconds:.0f} test_accuracy={acc:.4f} "
          f"epochs={a.epochs} threads={a.threads} batch={a.batch}")


if __name__ == "__main__":
    main()
