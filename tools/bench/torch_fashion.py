"""Fashion-MNIST for the PyTorch sides of the benchmarks (torch_mlp.py, torch_cnn.py), as our trainer reads it:
Debian's dataset-fashion-mnist IDX files, pixels / 255, and the training loop both time."""
import gzip
import time

import numpy as np
import torch

DIR = "/usr/share/datasets/fashion-mnist"


def _idx(path, offset):
    with gzip.open(path, "rb") as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=offset)


def load(shape, train_limit=0):
    """(x, y, test_x, test_y): images reshaped to (-1, *shape) as float32 in [0, 1], labels as int64."""
    def images(name):
        return torch.from_numpy(_idx(f"{DIR}/{name}", 16).reshape(-1, *shape).astype(np.float32) / 255)

    def labels(name):
        return torch.from_numpy(_idx(f"{DIR}/{name}", 8).astype(np.int64))

    x, y = images("train-images-idx3-ubyte.gz"), labels("train-labels-idx1-ubyte.gz")
    if train_limit > 0:
        x, y = x[:train_limit], y[:train_limit]
    return x, y, images("t10k-images-idx3-ubyte.gz"), labels("t10k-labels-idx1-ubyte.gz")


def train(model, x, y, epochs, batch):
    """Adam (lr 1e-3) with cross-entropy over shuffled batches; returns the seconds the loop took."""
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss()
    n = x.shape[0]
    seconds = 0.0
    for _ in range(epochs):
        start = time.perf_counter()
        perm = torch.randperm(n)
        for i in range(0, n, batch):
            rows = perm[i:i + batch]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(x[rows]), y[rows])
            loss.backward()
            opt.step()
        seconds += time.perf_counter() - start
    return seconds


def test_accuracy(model, test_x, test_y, chunk=1000):
    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, test_x.shape[0], chunk):
            correct += (model(test_x[i:i + chunk]).argmax(1) == test_y[i:i + chunk]).sum().item()
    return correct / test_x.shape[0]
